"""`python -m engine bench`: time full BPTT (forward + backward) and report what it costs.

Per size (B, T, D, H, O) and dtype: the median time of `bptt.gradients`, GFLOP/s with
FLOPs ≈ 3 · 2·B·T·(D·H + H·H + H·O), the fraction of this machine's numpy matmul peak
(measured on every core just before each row), the speed-up over a naive per-example
textbook loop (measured in the same run, and checked to give the same gradients), and the
tracemalloc peak against the O(T·B·H) prediction (3T+1 state-sized arrays and 2T
output-sized ones). The first table runs BLAS on every core; a second table times one
BLAS thread and every core side by side (runs interleaved, so load drift hits both alike)
and says what `engine.threads.configure()` picks on this machine now.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine import bench_checkpoint, bptt, gradcheck, rnn, threads

DEFAULT_SIZES: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 100, 8, 32, 8),
    (32, 100, 64, 128, 64),
    (32, 200, 128, 256, 128),
    (64, 500, 128, 512, 128),
)
DTYPES = {"float32": np.float32, "float64": np.float64}
# PyTorch 2.13 nn.RNN + autograd, measured once on a 2-core machine: quoted, not run here.
PYTORCH_MS = {(1, 100, 8, 32, 8): (3.2, 3.2), (32, 100, 64, 128, 64): (11.5, 15.6)}
WIDTH = 80


@dataclass(frozen=True)
class Row:
    size: tuple[int, int, int, int, int]
    dtype: str
    median_s: float  # BLAS on every core
    single_s: float  # one BLAS thread
    gflops: float
    peak_fraction: float
    naive_s: float
    naive_items: int
    naive_error: float
    memory_bytes: int
    predicted_bytes: int


def flops(B: int, T: int, D: int, H: int, O: int) -> float:  # noqa: E741
    """≈ 3 × the forward pass's 2·B·T·(D·H + H·H + H·O) multiply-adds."""
    return 3.0 * 2.0 * B * T * (D * H + H * H + H * O)


def predicted_bytes(B: int, T: int, H: int, O: int, itemsize: int) -> int:  # noqa: E741
    """O(T·B·H) storage of full BPTT: h_0..h_T, a_t (reused for ε_t), Δ_t; o_t and e_t."""
    return itemsize * ((3 * T + 1) * B * H + 2 * T * B * O)


def median_time(call: Callable[[], object], budget_s: float, max_runs: int) -> float:
    """Median wall time of `call` over at least 3 runs (more while within the budget)."""
    return interleaved_medians({"": call}, budget_s, max_runs)[""]


def interleaved_medians(
    calls: dict[str, Callable[[], object]],
    budget_s: float,
    max_runs: int,
    before: Callable[[str], object] = lambda name: None,
) -> dict[str, float]:
    """Median wall time of each call, the calls taking turns (after one warm-up run each)
    for at least 3 rounds, more while the total stays within the budget. `before(name)`
    runs untimed ahead of every call of `name`."""
    for name, call in calls.items():
        before(name)
        call()  # warm-up: first-touch page faults and BLAS thread start-up
    times: dict[str, list[float]] = {name: [] for name in calls}
    rounds = 0
    while rounds < 3 or (sum(map(sum, times.values())) < budget_s and rounds < max_runs):
        for name, call in calls.items():
            before(name)
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
        rounds += 1
    return {name: statistics.median(values) for name, values in times.items()}


def matmul_peak(dtype: type, n: int) -> float:
    """Best GFLOP/s of an n×n by n×n numpy matmul (2n³ FLOPs) over three runs."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    np.matmul(a, b, out=out)
    best = min(_timed(lambda: np.matmul(a, b, out=out)) for _ in range(3))
    return 2.0 * n**3 / best / 1e9


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def naive_gradients(
    p: rnn.Params, xs: np.ndarray, ys: np.ndarray, activation: str = "tanh"
) -> dict[str, np.ndarray]:
    """The textbook reference, one example and one step at a time (mse loss):
    a_t = U x_t + W h_{t−1} + b, h_t = f(a_t), o_t = V h_t + c; δ_t = Vᵀe_t + Wᵀε_{t+1},
    ε_t = f'(a_t) ⊙ δ_t; dW += ε_t h_{t−1}ᵀ, dU += ε_t x_tᵀ, dV += e_t h_tᵀ, each an outer product.
    """
    act = rnn.get_activation(activation)
    T, B, _ = xs.shape
    grads = {name: np.zeros_like(value) for name, value in p.as_dict().items()}
    grads["h0"] = np.zeros((B, p.sizes[1]), dtype=p.dtype)
    for item in range(B):
        hs = [np.zeros(p.sizes[1], dtype=p.dtype)]
        errors = []
        for t in range(T):
            hs.append(act.f(p.U @ xs[t, item] + p.W @ hs[-1] + p.b, None))
            errors.append(p.V @ hs[-1] + p.c - ys[t, item])
        carried = np.zeros_like(hs[0])
        for t in range(T - 1, -1, -1):
            delta = p.V.T @ errors[t] + p.W.T @ carried
            carried = act.df_from_output(hs[t + 1], None) * delta
            grads["W"] += np.outer(carried, hs[t])
            grads["U"] += np.outer(carried, xs[t, item])
            grads["b"] += carried
            grads["V"] += np.outer(errors[t], hs[t + 1])
            grads["c"] += errors[t]
        grads["h0"][item] = p.W.T @ carried
    return grads


def measure(
    size: tuple[int, int, int, int, int],
    dtype_name: str,
    peak: float,
    budget_s: float,
    naive_items: int,
    cores: int,
) -> Row:
    B, T, D, H, n_out = size
    dtype = DTYPES[dtype_name]
    p = rnn.init(D, H, n_out, seed=0, dtype=dtype)
    rng = np.random.default_rng(1)
    xs = rng.standard_normal((T, B, D)).astype(dtype)
    ys = rng.standard_normal((T, B, n_out)).astype(dtype)

    medians = interleaved_medians(
        dict.fromkeys((1, cores), lambda: bptt.gradients(p, xs, ys)),
        2 * budget_s,
        max_runs=50,
        before=threads.configure,
    )

    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    bptt.gradients(p, xs, ys)
    memory = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()

    items = min(B, naive_items)
    sub_x, sub_y = xs[:, :items], ys[:, :items]
    naive = {}
    naive_s = median_time(lambda: naive.update(naive_gradients(p, sub_x, sub_y)), 0.0, 3)
    engine = bptt.gradients(p, sub_x, sub_y).as_dict()
    error = max(gradcheck.relative_errors(engine, naive).values())
    median = medians[cores]
    rate = flops(*size) / median / 1e9
    return Row(
        size=size,
        dtype=dtype_name,
        median_s=median,
        single_s=medians[1],
        gflops=rate,
        peak_fraction=rate / peak,
        naive_s=naive_s * B / items,
        naive_items=items,
        naive_error=error,
        memory_bytes=memory,
        predicted_bytes=predicted_bytes(B, T, H, n_out, np.dtype(dtype).itemsize),
    )


def format_table(rows: Sequence[Row], peaks: dict[str, float], cores: int) -> str:
    header = (
        f"{'B,T,D,H,O':<19} {'dtype':<5} {'ms':>8} {'GFLOP/s':>7} {'peak':>5} "
        f"{'naive ms':>9} {'speedup':>7} {'MB':>7} {'/pred':>5}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        scaled = "*" if r.naive_items < r.size[0] else " "
        lines.append(
            f"{_label(r)} {r.median_s * 1e3:8.2f} {r.gflops:7.1f} {r.peak_fraction:5.0%} "
            f"{r.naive_s * 1e3:8.0f}{scaled} {r.naive_s / r.median_s:6.1f}x "
            f"{r.memory_bytes / 1e6:7.1f} {r.memory_bytes / r.predicted_bytes:5.2f}"
        )
    lines.append("-" * len(header))
    lines.append(
        "best matmul peak: "
        + ", ".join(f"{name} {value:.1f} GFLOP/s" for name, value in peaks.items())
        + f" ({cores} BLAS threads)"
    )
    lines.append("  (peak = matmul GFLOP/s measured just before each row)")
    lines.append(
        "naive = per-example textbook loop; same gradients to a max rel err of "
        f"{max(r.naive_error for r in rows):.1e}"
    )
    lines.append("  (* = timed on a subset of the batch, scaled by B)")
    lines.append("MB = tracemalloc peak of one call; /pred = MB over the O(T·B·H) prediction")
    lines.append("  ((3T+1)·B·H + 2T·B·O floats)")
    for size, (ms32, ms64) in PYTORCH_MS.items():
        lines.append(
            f"PyTorch nn.RNN (quoted, not run here) {','.join(map(str, size))}: "
            f"{ms32}/{ms64} ms f32/f64"
        )
    return "\n".join(lines)


def format_threads_table(rows: Sequence[Row], cores: int) -> str:
    """One BLAS thread and every core side by side (median ms, interleaved runs)."""
    header = (
        f"{'B,T,D,H,O':<19} {'dtype':<5} {'1 thread':>9} {f'{cores} threads':>10} {'speed-up':>8}"
    )
    lines = ["BLAS threads, ms", header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{_label(r)} {r.single_s * 1e3:9.2f} {r.median_s * 1e3:10.2f} "
            f"{r.single_s / r.median_s:7.2f}x"
        )
    lines.append("-" * len(header))
    lines.append(f"speed-up = 1 thread's time over {cores} threads' (> 1: more threads help)")
    return "\n".join(lines)


def _label(r: Row) -> str:
    return f"{','.join(map(str, r.size)):<19} {r.dtype.replace('float', 'f'):<5}"


def parse_size(text: str) -> tuple[int, int, int, int, int]:
    """'B,T,D,H,O' as five integers >= 1."""
    try:
        values = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size {text!r} is not B,T,D,H,O integers") from None
    if len(values) != 5 or min(values) < 1:
        raise argparse.ArgumentTypeError(f"size {text!r} must be five integers >= 1: B,T,D,H,O")
    if values[0] * values[1] * max(values[3], values[2]) > 64 * 1000 * 1024:
        raise argparse.ArgumentTypeError(f"size {text!r} is too large for a benchmark")
    return values  # type: ignore[return-value]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m engine bench",
        description="Time full BPTT (forward + backward) and compare with matmul peak, "
        "a naive loop and the O(T·B·H) memory prediction.",
    )
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=parse_size,
        default=list(DEFAULT_SIZES),
        metavar="B,T,D,H,O",
        help="sizes to time (default: four, from 1,100,8,32,8 to 64,500,128,512,128)",
    )
    parser.add_argument(
        "--dtypes", nargs="+", choices=sorted(DTYPES), default=["float32", "float64"]
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and a smaller peak measurement"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    budget, peak_n, naive_items = (0.2, 1024, 1) if args.quick else (1.0, 2048, 2)
    before = threads.blas_threads()
    chosen = threads.configure()  # what the app and the CLI get at this moment
    cores = threads.usable_cores()
    peaks = dict.fromkeys(args.dtypes, 0.0)
    rows = []
    try:
        for size in args.sizes:
            for name in args.dtypes:
                # The peak is re-measured next to every row: on a shared machine load drifts.
                threads.configure(cores)
                peak = matmul_peak(DTYPES[name], peak_n)
                peaks[name] = max(peaks[name], peak)
                rows.append(measure(size, name, peak, budget, naive_items, cores))
                print(f"  measured {','.join(map(str, size))} {name}", flush=True)
    finally:
        threads.configure(before)
    print(format_table(rows, peaks, cores))
    print()
    print(format_threads_table(rows, cores))
    print(
        f"engine.threads.configure() picked {chosen} BLAS thread(s) at the start\n"
        "  (OPENBLAS/OMP/MKL_NUM_THREADS if set, else the idle cores)"
    )
    print()
    print(bench_checkpoint.table())
    return 0
