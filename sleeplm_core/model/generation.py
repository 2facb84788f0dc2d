"""Greedy and beam-search caption decoding over a KV-cached decoding session.

A session feeds new token ids and returns next-token log-probabilities; it can also
reorder its cached rows (beams). Scores are natural-log probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import torch


class DecodingSession(Protocol):
    """Incremental decoder over B rows (see :meth:`SleepLM.decoding_session`)."""

    def step(self, ids: torch.Tensor) -> torch.Tensor:
        """Append ids [B, n]; return log-probs [B, V] of the token after the last one."""

    def select(self, index: torch.Tensor) -> None:
        """Keep rows ``index`` [B'] of the cache, in that order."""


@dataclass
class Caption:
    """A generated caption.

    Attributes:
        text: decoded text, special tokens removed.
        tokens: generated token ids (end token excluded).
        token_scores: log-probability of each generated token, aligned with ``tokens``.
        score: mean token log-probability of the whole sequence, end token included
            (the ranking score of beam search; higher is better).
    """

    text: str
    tokens: list[int] = field(default_factory=list)
    token_scores: list[float] = field(default_factory=list)
    score: float = 0.0


@dataclass
class Hypothesis:
    tokens: list[int]
    scores: list[float]

    @property
    def total(self) -> float:
        return float(sum(self.scores))

    def normalised(self, length_penalty: float) -> float:
        return self.total / max(len(self.scores), 1) ** length_penalty


def greedy(session: DecodingSession, batch: int, sot: int, eot: int, max_new_tokens: int,
           device: torch.device) -> list[Hypothesis]:
    """Argmax decoding of ``batch`` rows; each stops at its end token (kept in scores)."""
    hyps = [Hypothesis([], []) for _ in range(batch)]
    done = torch.zeros(batch, dtype=torch.bool, device=device)
    ids = torch.full((batch, 1), sot, dtype=torch.long, device=device)
    for _ in range(max_new_tokens):
        logp = session.step(ids)
        best, nxt = logp.max(dim=-1)
        for row in (~done).nonzero().flatten().tolist():
            hyps[row].scores.append(float(best[row]))
            if int(nxt[row]) != eot:
                hyps[row].tokens.append(int(nxt[row]))
        done |= nxt == eot
        if bool(done.all()):
            break
        ids = nxt.masked_fill(done, eot)[:, None]
    return hyps


def beam_search(session: DecodingSession, sot: int, eot: int, max_new_tokens: int, num_beams: int,
                device: torch.device, length_penalty: float = 1.0) -> Hypothesis:
    """Beam search for one row of ``session`` (expanded here to ``num_beams`` rows).

    Finished hypotheses are ranked by total log-probability / length**length_penalty;
    search stops once ``num_beams`` hypotheses have finished (open beams then count
    only if ``max_new_tokens`` ran out first).
    """
    session.select(torch.zeros(num_beams, dtype=torch.long, device=device))
    beams = [Hypothesis([], []) for _ in range(num_beams)]
    # only the first beam is live at the start, so the others cannot duplicate it
    totals = torch.full((num_beams,), float("-inf"), device=device)
    totals[0] = 0.0
    finished: list[Hypothesis] = []
    ids = torch.full((num_beams, 1), sot, dtype=torch.long, device=device)
    for _ in range(max_new_tokens):
        logp = session.step(ids)
        vocab = logp.shape[-1]
        cand_scores, cand = (totals[:, None] + logp).flatten().topk(2 * num_beams)
        keep_rows, keep_tokens, new_beams, new_totals = [], [], [], []
        for score, flat in zip(cand_scores.tolist(), cand.tolist()):
            row, token = divmod(flat, vocab)
            step_score = float(logp[row, token])
            if token == eot:
                finished.append(Hypothesis(list(beams[row].tokens), beams[row].scores + [step_score]))
                continue
            keep_rows.append(row)
            keep_tokens.append(token)
            new_beams.append(Hypothesis(beams[row].tokens + [token], beams[row].scores + [step_score]))
            new_totals.append(score)
            if len(new_beams) == num_beams:
                break
        beams, totals = new_beams, torch.tensor(new_totals, device=device)
        if len(finished) >= num_beams:
            break
        session.select(torch.tensor(keep_rows, dtype=torch.long, device=device))
        ids = torch.tensor(keep_tokens, dtype=torch.long, device=device)[:, None]
    else:
        finished.extend(beams)
    return max(finished, key=lambda h: h.normalised(length_penalty))
