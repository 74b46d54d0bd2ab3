from .conftest import Run


def test_good(run_check: Run) -> None:
    assert run_check("annotation-templates") == []


def test_bad_template_names_the_alert(run_check: Run) -> None:
    (problem,) = run_check("annotation-templates", ('description="slow"', 'description="{{ if }}"'))
    assert problem.path == "specs/spec.py" and "alert Slow: broken Go template" in problem.message


RULES = """groups:
  - name: shop
    rules:
      - alert: ApiDown
        expr: sum(up
      - alert: Slow
        expr: vector(1)
        annotations:
          description: "{{ if }}"
"""


def test_bad_template_found_in_the_rules_the_target_loads(run_check: Run) -> None:
    """The finding comes from `promtool check rules` of the rule file the target loads (run once for both
    checks); another alert's broken expression there is not taken for a template."""
    (problem,) = run_check("annotation-templates", files={"prometheus/alert-rules.yaml": RULES})
    assert problem.message.startswith('alert Slow: broken Go template in annotation "description": template: ')


def test_bad_template_found_when_promtool_cannot_read_the_rule_file(run_check: Run) -> None:
    """A rendered rule file promtool reads no rule of: the annotations are checked on their own."""
    broken = {"prometheus/alert-rules.yaml": "groups: [\n"}
    (problem,) = run_check("annotation-templates", ('description="slow"', 'description="{{ if }}"'), files=broken)
    assert problem.message.startswith('alert Slow: broken Go template in annotation "description": template: ')
    assert run_check("annotation-templates", files=broken) == []
