"""The dashboard's RACI panel: lint findings and heads who have not signed the current
version. A fixed number of queries, whatever the size of the matrix."""

from raci import selectors

LIMIT = 6


def panel(*, user, today):
    matrix = selectors.current_matrix()
    if matrix is None:
        return {"title": "RACI", "template": "raci/_dashboard_panel.html", "matrix": None}
    function_list = selectors.functions()
    findings = selectors.lint(matrix, function_list=function_list)
    missing = selectors.missing_signoffs(matrix, function_list=function_list)
    return {
        "title": "RACI: lint and sign-off",
        "template": "raci/_dashboard_panel.html",
        "matrix": matrix,
        "findings": findings[:LIMIT],
        "more_findings": max(len(findings) - LIMIT, 0),
        "finding_count": len(findings),
        "missing": missing,
    }
