"""The maturity model's pure rules: every score's stage, the weakest pillar as the
constraint, and the overall stage as the lowest pillar's — not the average."""

import pytest

from overview import maturity


@pytest.mark.parametrize(("score", "stage"), [
    (0, "Foundational"), (1, "Foundational"), (2, "Foundational"),
    (3, "Emergent"), (4, "Emergent"),
    (5, "Defined"), (6, "Defined"),
    (7, "Optimized"),
    (8, "Transformative"),
])
def test_every_score_from_0_to_8_maps_to_its_stage(score, stage):
    assert maturity.stage_for(score).name == stage


@pytest.mark.parametrize("score", [-1, 9, 100, 2.5, "3", None, True])
def test_a_score_outside_0_to_8_or_not_a_whole_number_has_no_stage(score):
    with pytest.raises(ValueError, match="0 to 8"):
        maturity.stage_for(score)


def test_the_bands_cover_0_to_8_once_each_in_stage_order():
    covered = [n for s in maturity.STAGES for n in range(s.lowest_score, s.highest_score + 1)]
    assert covered == list(range(9))
    assert [s.number for s in maturity.STAGES] == [1, 2, 3, 4, 5]
    assert all(s.red_flags and s.priority_fix for s in maturity.STAGES)


@pytest.mark.parametrize(("scores", "stage", "constraint"), [
    # The domain's example: process 6 but data 2 is stage 1, not stage 3.
    ({"people": 6, "process": 6, "data": 2, "technology": 6}, "Foundational", ["data"]),
    ({"people": 8, "process": 8, "data": 8, "technology": 7}, "Optimized", ["technology"]),
    ({"people": 8, "process": 8, "data": 8, "technology": 8}, "Transformative",
     ["people", "process", "data", "technology"]),
    ({"people": 4, "process": 6, "data": 5, "technology": 6}, "Emergent", ["people"]),
    ({"people": 5, "process": 3, "data": 3, "technology": 7}, "Emergent", ["process", "data"]),
    ({"people": 0, "process": 8, "data": 8, "technology": 8}, "Foundational", ["people"]),
])
def test_the_overall_stage_is_the_lowest_pillars_and_ties_name_every_weakest_pillar(
        scores, stage, constraint):
    assert maturity.overall_stage(scores).name == stage
    assert maturity.constraint_pillars(scores) == constraint
