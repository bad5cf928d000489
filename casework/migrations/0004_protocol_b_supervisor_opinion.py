"""Protocol B's step 6 (征求督导意见，向机构申请开案) is completed by the supervisor's opinion, which the opening
application now requires; databases loaded before keep any step an office has changed."""

from django.db import migrations


def forward(apps, schema_editor):
    apps.get_model("casework", "ProtocolStep").objects.filter(
        protocol__code="B", order=6, completed_by="opening_requested").update(
        completed_by="supervisor_opinion", guidance="督导意见记录后即可申请开案。")


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_plan_rejected_and_meeting_bounds")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
