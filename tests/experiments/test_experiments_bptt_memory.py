"""bptt.checkpointing and bptt.random_truncation compute what their reports claim."""

from __future__ import annotations

import math

from engine import registry


def test_checkpointing_agrees_and_saves_memory():
    report = registry.run("bptt.checkpointing", {"T": 400, "B": 4, "H": 32})
    assert report.scalar("segment_sqrt") == 20
    assert report.scalar("max_gradient_difference") < 1e-12
    assert report.scalar("memory_ratio_sqrt") < 0.2
    assert report.scalar("peak_sqrt_mib") < report.scalar("peak_one_mib")
    assert report.scalar("peak_one_mib") < report.scalar("peak_full_mib")
    ratio = report.scalar("peak_sqrt_mib") / report.scalar("peak_full_mib")
    assert math.isclose(report.scalar("memory_ratio_sqrt"), ratio, rel_tol=1e-9)


def test_random_truncation_is_unbiased_where_fixed_truncation_is_not():
    report = registry.run("bptt.random_truncation", {"draws": 1000, "k": 3})
    assert report.scalar("cut_probability") == 1 / 3
    # The randomised mean is off only by sampling error; the fixed bias does not shrink.
    assert report.scalar("random_bias") < 3 * report.scalar("random_standard_error")
    assert report.scalar("fixed_bias") > 2 * report.scalar("random_bias")
    assert report.scalar("random_variance") > 0 == report.scalar("fixed_variance")


def test_random_truncation_bias_shrinks_with_more_draws():
    few = registry.run("bptt.random_truncation", {"draws": 10, "seed": 1})
    many = registry.run("bptt.random_truncation", {"draws": 1000, "seed": 1})
    assert many.scalar("random_standard_error") < few.scalar("random_standard_error") / 5
    assert few.scalar("fixed_bias") == many.scalar("fixed_bias")


def test_stacked_and_bidirectional_counts():
    report = registry.run("complexity.stacked_bidirectional", {"L": 4, "T": 10, "H": 8})
    # With H = D = O = 8 every layer costs the same: L layers cost L times one (readout once).
    T, B, H = 10, 4, 8
    layer, readout = 6 * T * B * H * H + 6 * T * B * H * 8, 6 * T * B * H * 8
    first = 6 * T * B * H * H + 4 * T * B * H * 8
    assert report.scalar("flops_single") == first + readout
    assert report.scalar("flops_stacked") == first + 3 * layer + readout
    assert report.scalar("flop_ratio_bidirectional") == 2
    assert report.scalar("critical_path_single") == 20
    assert report.scalar("critical_path_stacked") == 2 * (10 + 4 - 1)
    assert report.scalar("critical_path_bidirectional") == 20
    assert report.scalar("time_ratio_stacked") > 0 and report.scalar("time_single_ms") > 0


def test_teacher_forcing_shows_the_exposure_bias_gap():
    report = registry.run("bptt.teacher_forcing")
    forced, free = (
        report.scalar("forced_model_forced_loss"),
        report.scalar("forced_model_free_loss"),
    )
    assert math.isclose(report.scalar("exposure_gap"), free - forced, rel_tol=1e-12)
    # Run on its own outputs, the teacher-forced model does far worse than on true inputs.
    assert free > 5 * forced
    # The output fed back adds the U V path: the free-running Jacobian decays less.
    assert report.scalar("free_path_norm_at_max_lag") > report.scalar("forced_path_norm_at_max_lag")
    # Training free running narrows the gap.
    assert report.scalar("free_model_gap") < report.scalar("exposure_gap")
