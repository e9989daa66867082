from __future__ import annotations

import numpy as np
import pytest

from twofold.core import reliable_change


def test_rci_is_the_difference_over_sem_root_two() -> None:
    change = reliable_change([4.0], [5.0], sem=0.5)
    assert change.rci[0] == pytest.approx(1.0 / (0.5 * np.sqrt(2)))


@pytest.mark.parametrize(("after", "direction"), [(5.39, 1), (5.38, 0), (2.61, -1), (4.0, 0)])
def test_a_reliable_change_needs_rci_of_196(after: float, direction: int) -> None:
    # threshold: 1.96 * 0.5 * sqrt(2) = 1.386
    assert reliable_change([4.0], [after], sem=0.5).direction[0] == direction


def test_missing_occasions_are_no_change_with_unknown_rci() -> None:
    change = reliable_change([np.nan, 4.0], [5.0, np.nan], sem=0.5)
    assert change.direction.tolist() == [0, 0]
    assert np.isnan(change.rci).all()


def test_bad_sem_and_shapes_are_named() -> None:
    with pytest.raises(ValueError, match=r"sem must be a positive number, got 0"):
        reliable_change([1.0], [2.0], sem=0)
    with pytest.raises(ValueError, match="before has shape \\(2,\\) but after has shape \\(1,\\)"):
        reliable_change([1.0, 2.0], [2.0], sem=1)
