"""Choice, construction and training of the FAISS index.

Vectors are L2-normalised, so inner product equals cosine similarity and every
index uses ``METRIC_INNER_PRODUCT``. Up to :data:`FLAT_LIMIT` vectors an exact
flat index is used; beyond that an IVF-PQ index re-ranked with exact vectors
(``IVF{nlist},PQ{m}x4fs,RFlat``), whose parameters follow the size:

* ``nlist`` (coarse cells): the power of two nearest to 2 * sqrt(n), at least 64;
* ``nbits`` = 4, which selects FAISS's SIMD "fast-scan" PQ kernels: the coarse
  codes only shortlist candidates, and the exact re-ranking repairs their order;
* ``m`` (PQ sub-quantizers): the largest divisor of the dimension that leaves at
  least 8 dimensions per sub-quantizer (64 for 512-d, 32 bytes per vector);
* ``nprobe`` (cells visited per query) = nlist / 4, at least 8: on embedding-like
  data recall is limited by the cells visited, not by the codes (measured at 1M
  x 512, nlist 2048, PQ64x4fs, 1 thread: recall@10 0.89 at nlist/16, 0.96 at
  nlist/8, 0.99 at nlist/4, query p50 0.7, 1.0 and 1.7 ms);
* ``k_factor`` = 32: candidates re-ranked exactly per requested neighbour;
* training on ``64 * nlist`` vectors (at least 10,000).

Any other ``nbits`` gives the classic PQ kernels (``PQ{m}x{nbits}``).
Every one of them can be overridden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import faiss
import numpy as np

from sleeplm_core.errors import IndexError_

log = logging.getLogger(__name__)

FLAT_LIMIT = 100_000
"""Largest library kept in an exact (flat) index."""

INDEX_KINDS: tuple[str, ...] = ("auto", "flat", "ivfpq")

PQ_TRAIN_MIN = 10_000
"""Fewest training vectors: FAISS asks for 39 per centroid (256 centroids at 8 bits)."""

FAST_SCAN_NBITS = 4
"""PQ code width served by the SIMD fast-scan kernels."""


@dataclass(frozen=True)
class IndexParams:
    """Index type and parameters; None means "choose from the size".

    Attributes:
        kind: one of :data:`INDEX_KINDS`.
        nlist: IVF cells.
        m: PQ sub-quantizers (must divide the dimension).
        nbits: bits per PQ code.
        nprobe: cells searched per query.
        k_factor: exact re-ranking candidates per requested neighbour.
        train_size: vectors sampled to train the IVF and PQ quantizers.
        seed: seed of that sample and of k-means.
    """

    kind: str = "auto"
    nlist: int | None = None
    m: int | None = None
    nbits: int = FAST_SCAN_NBITS
    nprobe: int | None = None
    k_factor: int = 32
    train_size: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        # Zero would otherwise read as "automatic" (nprobe) or silently return nothing (k_factor).
        for name in ("nlist", "m", "nbits", "nprobe", "k_factor", "train_size"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise IndexError_(f"index parameter {name} must be at least 1, got {value} "
                                  f"(--{name.replace('_', '-')}); leave it out to choose it "
                                  "from the library size")


def resolve_params(n: int, dim: int, params: IndexParams = IndexParams()) -> IndexParams:
    """Fill every automatic field of ``params`` for ``n`` vectors of width ``dim``."""
    if params.kind not in INDEX_KINDS:
        raise IndexError_(f"unknown index kind {params.kind!r}; use one of {INDEX_KINDS}")
    kind = params.kind if params.kind != "auto" else ("flat" if n <= FLAT_LIMIT else "ivfpq")
    if kind == "flat":
        return replace(params, kind="flat")
    nlist = params.nlist or max(64, 2 ** int(round(np.log2(2 * max(np.sqrt(n), 1)))))
    m = params.m or max(d for d in range(1, dim + 1) if dim % d == 0 and dim // d >= 8)
    if dim % m:
        divisors = [d for d in range(1, dim + 1) if dim % d == 0]
        raise IndexError_(f"--m {m}: PQ sub-quantizers must divide the embedding dimension "
                          f"{dim}; use one of {divisors} or leave --m out")
    return replace(params, kind="ivfpq", nlist=nlist, m=m,
                   nprobe=params.nprobe or max(8, nlist // 4),
                   train_size=params.train_size or min(n, max(64 * nlist, PQ_TRAIN_MIN)))


def factory_string(params: IndexParams) -> str:
    """The ``faiss.index_factory`` description of resolved ``params``."""
    if params.kind == "flat":
        return "Flat"
    fast_scan = "fs" if params.nbits == FAST_SCAN_NBITS else ""
    return f"IVF{params.nlist},PQ{params.m}x{params.nbits}{fast_scan},RFlat"


def build_faiss_index(vectors: np.ndarray, params: IndexParams) -> faiss.Index:
    """Create, train (when needed) and fill an index with float32 unit vectors."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.index_factory(vectors.shape[1], factory_string(params),
                                faiss.METRIC_INNER_PRODUCT)
    if not index.is_trained:
        rng = np.random.default_rng(params.seed)
        sample = vectors[rng.choice(len(vectors), size=params.train_size, replace=False)]
        ivf = faiss.extract_index_ivf(index)
        ivf.cp.seed = params.seed
        log.info("training %s on %d vectors", factory_string(params), len(sample))
        index.train(sample)
    index.add(vectors)
    set_search_params(index, params)
    return index


def set_search_params(index: faiss.Index, params: IndexParams) -> None:
    """Apply nprobe and the re-ranking factor to a (loaded) IVF-PQ index."""
    if params.kind != "ivfpq":
        return
    faiss.extract_index_ivf(index).nprobe = params.nprobe
    faiss.downcast_index(index).k_factor = params.k_factor


def gpu_available() -> bool:
    """True when this faiss build has GPU support and sees a GPU."""
    return hasattr(faiss, "StandardGpuResources") and faiss.get_num_gpus() > 0


def maybe_to_gpu(index: faiss.Index) -> faiss.Index:
    """Move ``index`` to GPU 0 when faiss-gpu and a GPU are present, else return it."""
    if not gpu_available():
        return index
    try:
        gpu_index = faiss.index_cpu_to_gpu(faiss.StandardGpuResources(), 0, index)
    except RuntimeError as err:  # e.g. fast-scan PQ, which FAISS has no GPU kernels for
        log.warning("keeping the index on the CPU: FAISS cannot move it to the GPU (%s)", err)
        return index
    log.info("moved the index to GPU 0")
    return gpu_index
