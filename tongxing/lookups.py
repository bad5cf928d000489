"""`field__one_of=ids`: `field IN ids` sent as one parameter.

A check on a thousand files at once (an imported list) names the thousand ids in every branch of the access rule's
UNION: ten thousand `%s` that Django compiles and the driver parses one by one, which cost more than the query itself.
On PostgreSQL the ids go as one array (`= ANY(%s)`), which the planner treats like the list; elsewhere this is `IN`.
"""

from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class OneOf(Lookup):
    lookup_name = "one_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return compiler.compile(In(self.lhs, list(self.rhs)))

    def as_postgresql(self, compiler, connection):
        ids = [i for i in self.rhs if i is not None]  # as `In`: NULL matches nothing, and `= ANY` of a NULL is NULL
        if not ids:
            return "FALSE", ()
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (*lhs_params, ids)


Field.register_lookup(OneOf)
ForeignObject.register_lookup(OneOf)  # related fields keep their own list of lookups
