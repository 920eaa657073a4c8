"""What the parameters of a gated cell (engine.lstm, engine.gru) share: `GATES` blocks
stacked in Wx (G·H, D), Wh (G·H, H) and each bias (G·H,), an output layer V (O, H),
c (O,); their shape check and conversions."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import numpy as np

P = TypeVar("P", bound="GatedParams")


class GatedParams:
    """Base of a frozen dataclass of a gated cell's parameters (it holds no fields: the
    subclass declares Wx, Wh, its biases, V and c, and the class constants below)."""

    GATES: ClassVar[int]  # blocks stacked in Wx, Wh and each bias
    NAMES: ClassVar[tuple[str, ...]]  # every parameter, in order
    BIASES: ClassVar[tuple[str, ...]]  # the (G·H,) biases

    Wx: np.ndarray
    V: np.ndarray

    def __post_init__(self) -> None:
        rows, D = np.shape(self.Wx)
        H = rows // self.GATES
        n_out = np.shape(self.V)[0]
        stacked = self.GATES * H
        expected = {
            "Wx": (stacked, D),
            "Wh": (stacked, H),
            **{name: (stacked,) for name in self.BIASES},
            "V": (n_out, H),
            "c": (n_out,),
        }
        for name, shape in expected.items():
            if H < 1 or np.shape(getattr(self, name)) != shape:
                raise ValueError(
                    f"Params.{name} has shape {np.shape(getattr(self, name))}, expected {shape} "
                    f"(Wx is ({self.GATES}H, D) with H >= 1, V is (O, H) with O = {n_out})"
                )

    @property
    def dtype(self) -> np.dtype[Any]:
        return np.result_type(*self.as_dict().values())

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(D, H, O)."""
        rows, D = self.Wx.shape
        return D, rows // self.GATES, self.V.shape[0]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.NAMES}

    def astype(self: P, dtype: np.dtype[Any] | type) -> P:
        return type(self)(**{k: np.array(v, dtype=dtype) for k, v in self.as_dict().items()})

    def copy(self: P) -> P:
        return type(self)(**{k: np.array(v, copy=True) for k, v in self.as_dict().items()})
