from ninja import Router, Schema

from . import views

router = Router(tags=["reports"])


class RowOut(Schema):
    area_id: int | None
    area: str
    values: dict[str, int]


class ReturnOut(Schema):
    area_id: int
    period: str
    start: str
    end: str
    population: str
    model: str
    columns: dict[str, str]
    rows: list[RowOut]
    total: RowOut


@router.get("/returns", response=ReturnOut,
            summary="A statistical return: kind=month|half|year, year, number, area, population, model")
def statistical_return(request, kind: str = "month", year: int | None = None, number: int | None = None,
                       area: int | None = None, population: str = "", model: str = ""):
    from django.core.exceptions import ValidationError

    params = {k: v for k, v in {"kind": kind, "year": year, "number": number, "area": area,
                                "population": population, "model": model}.items() if v not in (None, "")}
    result, error = views.return_request(request.user, params)
    if result is None:
        raise ValidationError(error)

    def row(r):
        return {"area_id": r.area.pk if r.area else None, "area": r.name, "values": r.values}

    return {"area_id": result.area.pk, "period": result.period.label, "start": str(result.period.start),
            "end": str(result.period.end), "population": result.population, "model": result.model,
            "columns": {k: str(label) for k, label in result.columns}, "rows": [row(r) for r in result.rows],
            "total": row(result.total)}


@router.get("/exports/{name}", summary="A list as Excel (people: q, population; cases: stage, mine; volunteers, "
                                       "resources: q), with the columns the caller's role may see; audited")
def export(request, name: str, q: str = "", population: str = "", stage: str = "", mine: bool = False):
    from django.http import FileResponse, Http404

    from . import exports

    content = exports.export_list(name, user=request.user, params={"q": q, "population": population,
                                                                    "stage": stage, "mine": mine})
    if content is None:
        raise Http404
    return FileResponse(content, as_attachment=True, filename=f"{name}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
