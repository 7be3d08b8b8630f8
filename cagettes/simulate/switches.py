"""What the simulators' settings share: each damage step runs with its probability ``p_<step>``,
and a setting can be switched off entirely or reduced to a few steps, always on."""
from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Self


class Switches:
    """Mixed into a settings dataclass whose fields ``p_<step>`` are its steps' probabilities."""

    @classmethod
    def step_names(cls) -> tuple[str, ...]:
        """The steps; a settings class with other ``p_`` fields (chances inside a step) says which."""
        return tuple(f.name[2:] for f in fields(cls) if f.name.startswith("p_"))  # type: ignore[arg-type]  # a dataclass once mixed in

    @classmethod
    def off(cls) -> Self:
        """No step at all: the input as it is (for tests and a reader's upper bound)."""
        off: dict[str, Any] = {f"p_{name}": 0.0 for name in cls.step_names()}
        return cls(**off)

    @classmethod
    def only(cls, *steps: str, **overrides) -> Self:
        """Only the named steps, always: ``Degradation.only("upside_down", "blur")``."""
        unknown = set(steps) - set(cls.step_names())
        if unknown:
            raise ValueError(f"unknown {cls.__name__} steps: {', '.join(sorted(unknown))}")
        always: dict[str, Any] = {f"p_{s}": 1.0 for s in steps}
        return replace(cls.off(), **always, **overrides)  # type: ignore[type-var]  # idem
