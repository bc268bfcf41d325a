"""A small client for SSB's PxWebApi v2 (``https://data.ssb.no/api/pxwebapi/v2``) and its JSON-stat 2 answers.

Why not ``pxwebpy``: its 0.6 release sends sub-queries in parallel threads by default, stores but never
passes its ``timeout`` (a stalled connection hangs for ever), reads the metadata key ``codeLists`` where
SSB writes ``codelists``, and gives no hook for progress lines. SSB asks for at most 30 queries a minute
per IP address (shared by everyone in an office), so this client sends **one request at a time**, at least
``min_interval`` seconds apart, each with a real ``(connect, read)`` timeout; it waits and retries on 429
and 503 (honouring ``Retry-After``, in seconds or as an HTTP date), on other 5xx and dropped connections
(exponential backoff), and turns SSB's problem bodies (``{"type", "title", "status"}``) into one clear
:class:`SsbError`. It is built on ``requests``.

* :class:`PxClient` -- ``config``, ``search``, ``metadata``, ``codelist``, ``data`` (POST, JSON-stat 2);
* :class:`TableMeta` -- a table's variables (codes, labels, elimination, codelists) from ``/metadata``;
* :func:`jsonstat_frame` -- a JSON-stat 2 dataset as a long frame of codes and values (``null`` kept
  as missing, SSB's status symbols kept);
* :func:`batches` -- a selection split so no request asks for more cells than SSB allows.

The request shapes follow PxTools' PxAPI-2 specification and SSB's user guide; ``tests/fixtures/ssb``
holds real SSB responses and the provenance of every fixture.
"""

from __future__ import annotations

import email.utils
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import requests

from analysis.errors import AnalysisError

SSB_API_URL = "https://data.ssb.no/api/pxwebapi/v2"
#: SSB's limit on cells per request (``/config`` ``maxDataCells``), used when ``/config`` cannot be read.
MAX_CELLS = 800_000
#: SSB's guide: at most 30 queries per minute per IP address.
MIN_INTERVAL = 2.0
RETRY_STATUSES = (429, 500, 502, 503, 504)


class SsbError(AnalysisError):
    """A request to SSB failed: ``status`` (HTTP, or None without an answer) and SSB's own ``title``."""

    def __init__(self, message: str, *, status: int | None = None, title: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.title = title


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent or unreadable.

    >>> retry_after_seconds("30"), retry_after_seconds(None), retry_after_seconds("soon")
    (30.0, None, None)
    >>> retry_after_seconds("Wed, 02 Dec 2026 10:00:30 GMT", now=1796205600.0)
    30.0
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _problem(response: requests.Response) -> tuple[str | None, str]:
    """SSB's problem body (``{"type", "title", "status", "detail"}``) as ``(title, readable text)``."""
    try:
        body = response.json()
    except ValueError:
        text = " ".join(response.text.split())[:200]
        return None, text
    if isinstance(body, dict):
        title, detail = body.get("title"), body.get("detail")
        parts = [str(title)] if title else []
        if detail and detail != title:
            parts.append(str(detail))
        return (str(title) if title else None), "; ".join(parts) or json.dumps(body)[:200]
    return None, json.dumps(body)[:200]


@dataclass
class PxClient:
    """PxWebApi v2, politely: one request at a time, timeouts, waits on 429/503, clear errors."""

    base_url: str = SSB_API_URL
    lang: str = "no"
    timeout: float = 60.0  # seconds to wait for an answer (read timeout); connecting gets min(10, timeout)
    min_interval: float = MIN_INTERVAL
    max_attempts: int = 5
    max_wait: float = 120.0  # longest wait asked by Retry-After that is honoured; longer → give up
    log: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    _last: float | None = None

    # ------------------------------------------------------------------ transport

    def _throttle(self) -> None:
        if self._last is not None:
            wait = self.min_interval - (self.clock() - self._last)
            if wait > 0:
                self.sleep(wait)
        self._last = self.clock()

    def request(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> Any:
        """One API call with retries; returns the decoded JSON. Raises :class:`SsbError`."""
        url = f"{self.base_url.rstrip('/')}/{path.lstrip('/')}"
        params = {"lang": self.lang, **(params or {})}
        what = f"{method} {path}"
        for attempt in range(1, self.max_attempts + 1):
            self._throttle()
            self.requests_made += 1
            try:
                response = self.session.request(
                    method, url, params=params, json=body, timeout=(min(10.0, self.timeout), self.timeout)
                )
            except requests.Timeout as exc:
                # A server that does not answer within the time is not asked again: the fetch reports it.
                raise SsbError(
                    f"SSB did not answer within {self.timeout:g} s ({what}); try again later, or give more time "
                    "with --timeout"
                ) from exc
            except requests.ConnectionError as exc:
                if attempt == self.max_attempts:
                    raise SsbError(
                        f"could not reach SSB ({self.base_url}) for {what}: is the network up? "
                        f"({' '.join(str(exc).split())[:160]})"
                    ) from exc
                self._wait(2.0**attempt, f"no connection ({what})", attempt)
                continue
            if response.ok:
                try:
                    return response.json()
                except ValueError as exc:
                    raise SsbError(f"SSB's answer to {what} was not JSON", status=response.status_code) from exc
            title, text = _problem(response)
            status = response.status_code
            if status in RETRY_STATUSES and attempt < self.max_attempts:
                asked = retry_after_seconds(response.headers.get("Retry-After"))
                if asked is not None and asked > self.max_wait:
                    raise SsbError(
                        f"SSB asked us to wait {asked:.0f} s before {what} (HTTP {status}); try again later",
                        status=status,
                        title=title,
                    )
                delay = asked if asked is not None else min(self.max_wait, 2.0 * 2 ** (attempt - 1))
                reason = "SSB's rate limit (30 queries a minute)" if status == 429 else f"HTTP {status} from SSB"
                self._wait(delay, f"{reason}, {what}", attempt)
                continue
            raise SsbError(_explain(status, title, text, what), status=status, title=title)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, seconds: float, why: str, attempt: int) -> None:
        self.log(f"  waiting {seconds:.0f} s: {why} (attempt {attempt} of {self.max_attempts})")
        self.sleep(seconds)

    # ------------------------------------------------------------------ endpoints

    def config(self) -> dict:
        return self.request("GET", "config")

    def max_cells(self) -> int:
        """``/config`` ``maxDataCells`` (800 000 at SSB), or that default when the config cannot be read."""
        try:
            return int(self.config().get("maxDataCells") or MAX_CELLS)
        except (SsbError, TypeError, ValueError):
            return MAX_CELLS

    def search(self, query: str, *, page_size: int = 100) -> list[dict]:
        """``GET /tables?query=…``: every matching table (``id``, ``label``, ``updated``, ``firstPeriod`` …)."""
        out: list[dict] = []
        page = 1
        while True:
            answer = self.request("GET", "tables", params={"query": query, "pageSize": page_size, "pageNumber": page})
            out.extend(answer.get("tables") or [])
            info = answer.get("page") or {}
            if page >= int(info.get("totalPages") or 1):
                return out
            page += 1

    def metadata(self, table_id: str) -> TableMeta:
        return TableMeta.from_jsonstat(table_id, self.request("GET", f"tables/{table_id}/metadata"))

    def codelist(self, codelist_id: str) -> dict:
        """``GET /codelists/{id}``: ``{"id", "label", "type", "values": [{"code", "label", "valueMap"}]}``."""
        return self.request("GET", f"codelists/{codelist_id}")

    def data(self, table_id: str, selection: Sequence[Mapping[str, Any]]) -> dict:
        """``POST /tables/{id}/data`` with a ``VariablesSelection`` body; the JSON-stat 2 dataset."""
        body = {"selection": [dict(s) for s in selection]}
        return self.request("POST", f"tables/{table_id}/data", params={"outputFormat": "json-stat2"}, body=body)


def _explain(status: int, title: str | None, text: str, what: str) -> str:
    if status == 404:
        return (
            f"SSB does not know {what} (HTTP 404{': ' + title if title else ''}); the table may have been "
            "replaced: look it up on ssb.no/statbank and pass it with --table KEY=ID"
        )
    if status == 400:
        return f"SSB rejected {what} (HTTP 400): {text}"
    if status == 429:
        return f"SSB's rate limit was hit again and again ({what}); wait a few minutes and try again"
    if status >= 500:
        return f"SSB had a server error (HTTP {status}) for {what}; try again later"
    return f"SSB answered HTTP {status} to {what}: {text}"


# ---------------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class Variable:
    code: str
    label: str
    values: tuple[str, ...]
    labels: dict[str, str]
    elimination: bool
    codelists: tuple[str, ...]


@dataclass(frozen=True)
class TableMeta:
    """A table's ``/metadata`` (JSON-stat 2): its title, SSB's last update, roles and variables in order."""

    table_id: str
    label: str
    updated: str | None
    roles: dict[str, list[str]]
    variables: dict[str, Variable]

    @classmethod
    def from_jsonstat(cls, table_id: str, doc: Mapping[str, Any]) -> TableMeta:
        if not isinstance(doc, Mapping) or "dimension" not in doc or "id" not in doc:
            raise SsbError(f"SSB's metadata for table {table_id} is not a JSON-stat 2 dataset")
        variables = {}
        for code in doc["id"]:
            dim = doc["dimension"][code]
            category = dim.get("category", {})
            values = _category_codes(category)
            ext = dim.get("extension") or {}
            lists = ext.get("codelists", ext.get("codeLists")) or []  # SSB writes "codelists"; the spec "codeLists"
            variables[code] = Variable(
                code=code,
                label=str(dim.get("label", code)),
                values=tuple(values),
                labels={str(k): str(v) for k, v in (category.get("label") or {}).items()},
                elimination=bool(ext.get("elimination", False)),
                codelists=tuple(str(c.get("id")) for c in lists if isinstance(c, Mapping) and c.get("id")),
            )
        return cls(
            table_id=table_id,
            label=str(doc.get("label", "")),
            updated=doc.get("updated"),
            roles={k: list(v) for k, v in (doc.get("role") or {}).items()},
            variables=variables,
        )

    def find(self, *codes: str, role: str | None = None) -> Variable | None:
        """The first variable named one of ``codes`` (or with ``role``), or None."""
        for code in codes:
            if code in self.variables:
                return self.variables[code]
        if role and self.roles.get(role):
            return self.variables.get(self.roles[role][0])
        return None

    def need(self, *codes: str, role: str | None = None, what: str) -> Variable:
        found = self.find(*codes, role=role)
        if found is None:
            raise SsbError(
                f"SSB table {self.table_id} has changed: it has no {what} variable ({' or '.join(codes)}); "
                f"it has {', '.join(self.variables)}"
            )
        return found


def _category_codes(category: Mapping[str, Any]) -> list[str]:
    index = category.get("index")
    if isinstance(index, Mapping):
        return [str(k) for k, _ in sorted(index.items(), key=lambda kv: kv[1])]
    if isinstance(index, list):
        return [str(k) for k in index]
    return [str(k) for k in (category.get("label") or {})]


# ---------------------------------------------------------------------------------- data


def jsonstat_frame(doc: Mapping[str, Any]) -> pd.DataFrame:
    """A JSON-stat 2 dataset as one row per cell: a column of codes per dimension, ``value`` and ``status``.

    Values are row-major with the last dimension varying fastest; ``null`` stays missing (NaN) and
    SSB's status symbols (``"."`` not applicable, ``".."`` not available, ``":"`` confidential) are kept.
    """
    ids = list(doc["id"])
    sizes = [int(s) for s in doc["size"]]
    codes = [_category_codes(doc["dimension"][d]["category"]) for d in ids]
    for d, size, cs in zip(ids, sizes, codes):
        if len(cs) != size:
            raise SsbError(f"SSB's answer is inconsistent: dimension {d} has {len(cs)} codes but size {size}")
    n = math.prod(sizes)
    raw = doc.get("value")
    if isinstance(raw, Mapping):  # the sparse form: {"index": value}
        values = np.full(n, np.nan)
        for k, v in raw.items():
            values[int(k)] = np.nan if v is None else float(v)
    else:
        raw = list(raw or [])
        if len(raw) != n:
            raise SsbError(f"SSB's answer has {len(raw)} values for {n} cells")
        values = np.array([np.nan if v is None else float(v) for v in raw], dtype=float)
    grids = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij") if sizes else []
    frame = pd.DataFrame({d: np.asarray(cs, dtype=object)[g.ravel()] for d, cs, g in zip(ids, codes, grids)})
    frame["value"] = values
    status = doc.get("status") or {}
    if isinstance(status, list):
        status = {i: s for i, s in enumerate(status) if s}
    flags = np.full(n, "", dtype=object)
    for k, s in status.items():
        flags[int(k)] = str(s)
    frame["status"] = flags
    return frame


# ---------------------------------------------------------------------------------- batching


def batches(selection: Sequence[Mapping[str, Any]], max_cells: int, split_order: Sequence[str]) -> Iterator[list[dict]]:
    """Split ``selection`` (``[{"variableCode", "valueCodes", "codelist"?}]``) into requests of ≤ ``max_cells``.

    The variables in ``split_order`` are split first (time, then region); a request never holds more
    cells than SSB allows (a request that would is answered with HTTP 400 "Too many cells selected").

    >>> sel = [{"variableCode": "Region", "valueCodes": ["a", "b", "c"]}, {"variableCode": "Tid", "valueCodes": ["1", "2"]}]
    >>> [[len(s["valueCodes"]) for s in b] for b in batches(sel, 4, ["Tid", "Region"])]
    [[3, 1], [3, 1]]
    """
    sel = [dict(s, valueCodes=list(s["valueCodes"])) for s in selection]
    total = math.prod(len(s["valueCodes"]) for s in sel)
    if total <= max_cells:
        yield sel
        return
    for code in split_order:
        target = next((s for s in sel if s["variableCode"] == code), None)
        if target is None or len(target["valueCodes"]) <= 1:
            continue
        rest = total // len(target["valueCodes"])
        per = max(1, max_cells // rest) if rest <= max_cells else 1
        for i in range(0, len(target["valueCodes"]), per):
            part = [dict(s) for s in sel]
            part[sel.index(target)] = dict(target, valueCodes=target["valueCodes"][i : i + per])
            yield from batches(part, max_cells, [c for c in split_order if c != code] + [code])
        return
    raise SsbError(f"a single request would ask SSB for {total:,} cells (the limit is {max_cells:,})")
