"""Logging evidence: what a team's real logging configuration proves about record keeping (Arts. 12, 19, 26(6)).

Two sources, one facts document (`schemas/logging.schema.json`, becomes `input.evidence.logging`):

- comply's declared block: `enabled`, `events`, `retention_days`, `destination`, `durable`, `tamper_evident`,
  `fields`, `inputs` (raw | hash | none), `since` (date logging began). It may sit at the top level of a file
  or under `logging:` (the comply.yaml / model-card form).
- a Python `logging.config.dictConfig` file (recognised by `version: 1` plus `handlers`). Its handlers are read,
  not instantiated: nothing is opened, no class is imported. A file may hold both: the dictConfig at the top
  level and the declared block under `comply:` (dictConfig ignores that key, so the app loads the file unchanged).

Why read the dictConfig at all: a sentence saying "logs are kept six months" is contradicted by a
`TimedRotatingFileHandler` with `when: D, backupCount: 30`, which deletes them after 30 days. The facts carry
both numbers so the policies can catch that, and every fact keeps its line in `lines` so findings name it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from checker.errors import InputError
from checker.evidence.loader import LoadedDocument, load_document

DECLARED_KEYS = (
    "enabled",
    "events",
    "retention_days",
    "destination",
    "durable",
    "tamper_evident",
    "fields",
    "inputs",
    "since",
)
HASHED_INPUT_FIELDS = frozenset({"inputs_sha256", "inputs_hash", "input_hash", "features_hash"})
RAW_INPUT_FIELDS = frozenset({"inputs", "input", "features"})
SECONDS_PER_DAY = 86400


class HandlerKind(NamedTuple):
    """What comply knows about a standard handler class: does it store records, and what bounds their age."""

    durable: bool
    retention: str  # unbounded | time | size | external | none
    note: str


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_days(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(_is_str(item) for item in value)


def _is_inputs_mode(value: Any) -> bool:
    return value in ("raw", "hash", "none")


def _is_date(value: Any) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


DECLARED_TYPES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "enabled": (_is_bool, "true or false"),
    "durable": (_is_bool, "true or false"),
    "tamper_evident": (_is_bool, "true or false"),
    "retention_days": (_is_days, "a whole number of days (0 or more)"),
    "destination": (_is_str, "a non-empty string (file path, syslog, URL, ...)"),
    "events": (_is_str_list, "a list of event names (prediction, override, deployment, ...)"),
    "fields": (_is_str_list, "a list of field names"),
    "inputs": (_is_inputs_mode, "one of raw, hash, none"),
    "since": (_is_date, "an ISO date like 2026-08-02"),
}
"""Declared key -> (check, what is expected): one table for files and cards alike."""

_EXTERNAL = "records leave Python logging; how long they are kept is decided elsewhere (declare retention_days)"
HANDLER_CLASSES: dict[str, HandlerKind] = {
    "logging.FileHandler": HandlerKind(True, "unbounded", "file that is never rotated by Python"),
    "logging.handlers.WatchedFileHandler": HandlerKind(True, "external", "file rotated outside Python (logrotate)"),
    "logging.handlers.RotatingFileHandler": HandlerKind(True, "size", "size-based rotation"),
    "logging.handlers.TimedRotatingFileHandler": HandlerKind(True, "time", "time-based rotation"),
    "logging.handlers.SysLogHandler": HandlerKind(True, "external", _EXTERNAL),
    "logging.handlers.HTTPHandler": HandlerKind(True, "external", _EXTERNAL),
    "logging.handlers.SocketHandler": HandlerKind(True, "external", _EXTERNAL),
    "logging.handlers.NTEventLogHandler": HandlerKind(True, "external", _EXTERNAL),
    "logging.handlers.DatagramHandler": HandlerKind(False, "none", "UDP datagrams can be lost: not a durable store"),
    "logging.handlers.SMTPHandler": HandlerKind(False, "none", "e-mail is not a log store"),
    "logging.StreamHandler": HandlerKind(False, "none", "console/stream only"),
    "logging.NullHandler": HandlerKind(False, "none", "discards records"),
    "logging.handlers.BufferingHandler": HandlerKind(False, "none", "keeps records in memory only"),
    "logging.handlers.MemoryHandler": HandlerKind(False, "none", "buffers records for its target"),
    "logging.handlers.QueueHandler": HandlerKind(False, "none", "hands records to a queue listener"),
}
"""Standard handler classes by dotted name. Anything else is unknown: not counted as durable."""

ROTATION_UNITS = {"S": 1, "M": 60, "H": 3600, "D": SECONDS_PER_DAY, "MIDNIGHT": SECONDS_PER_DAY}
ROTATION_UNITS.update({f"W{day}": 7 * SECONDS_PER_DAY for day in range(7)})
"""TimedRotatingFileHandler `when` values -> seconds per interval (as CPython's logging.handlers)."""


def load_logging_evidence(path: Path | str) -> tuple[dict[str, Any], LoadedDocument]:
    """Read a logging evidence file (declared block, dictConfig, or both) into facts; returns (facts, document)."""
    loaded = load_document(path)
    data = loaded.data
    label = str(loaded.path)
    if not isinstance(data, dict):
        raise InputError(f"{label}:1: logging evidence must be a mapping (a comply logging block or a dictConfig)")
    facts: dict[str, Any] = {"source": "file", "file": label}
    lines: dict[str, int] = {}
    if _is_dict_config(data):
        facts["layout"] = "dict_config"
        facts.update(_dict_config_facts(data, loaded, lines))
        block = data.get("comply")
        if block is not None:
            facts["layout"] = "both"
            facts.update(_declared_facts(block, "comply", loaded, lines, label))
    elif isinstance(data.get("logging"), dict):
        facts["layout"] = "declared"
        facts.update(_declared_facts(data["logging"], "logging", loaded, lines, label))
    elif any(key in data for key in DECLARED_KEYS):
        facts["layout"] = "declared"
        facts.update(_declared_facts(data, "", loaded, lines, label))
    else:
        raise InputError(
            f"{label}:1: not logging evidence: expected a comply logging block (retention_days, events, ...) "
            "or a Python dictConfig (version: 1 with handlers)"
        )
    facts["lines"] = lines
    return facts, loaded


def declared_from_card(card: Mapping[str, Any]) -> dict[str, Any] | None:
    """Facts from the card's (or comply.yaml's) own `logging:` block; None when there is none.

    Findings on these facts point at `card.logging.<key>`, so no line map is kept here.
    """
    block = card.get("logging")
    if block is None:
        return None
    facts: dict[str, Any] = {"source": "card", "layout": "declared"}
    facts.update(_declared_facts(block, "logging", None, {}, "model card"))
    return facts


def line_for(facts: Mapping[str, Any], fact_path: str) -> int | None:
    """The evidence-file line of a fact (`handlers.file.backupCount`), or of its nearest ancestor that has one."""
    lines = facts.get("lines") or {}
    parts = fact_path.split(".")
    while parts:
        line = lines.get(".".join(parts))
        if line is not None:
            return int(line)
        parts.pop()
    return None


# -- the declared block ------------------------------------------------------------------------------------------
def _declared_facts(
    block: Any, prefix: str, loaded: LoadedDocument | None, lines: dict[str, int], label: str
) -> dict[str, Any]:
    """Type-check a declared block and turn it into facts (same names, plus `inputs_logged_as`)."""

    def where(key: str) -> str:
        dotted = f"{prefix}.{key}" if prefix else key
        line = loaded.line_of(dotted) if loaded is not None else None
        return f"{label}:{line}: {dotted}" if line else f"{label}: {dotted}"

    if not isinstance(block, dict):
        block_line = (loaded.line_of(prefix) if loaded is not None and prefix else None) or 1
        raise InputError(f"{label}:{block_line}: {prefix or '(top level)'}: expected a mapping of logging facts")
    facts: dict[str, Any] = {}
    for key in DECLARED_KEYS:
        if key not in block:
            continue
        value = block[key]
        check, expected = DECLARED_TYPES[key]
        if not check(value):
            raise InputError(f"{where(key)}: expected {expected}, got {value!r}")
        facts[key] = value
        if loaded is not None:
            line = loaded.line_of(f"{prefix}.{key}" if prefix else key)
            if line is not None:
                lines[key] = line
    inputs = _inputs_logged_as(facts)
    if inputs is not None:
        facts["inputs_logged_as"] = inputs
        if "inputs" in lines or "fields" in lines:
            lines["inputs_logged_as"] = lines.get("inputs", lines.get("fields", 0))
    facts.pop("inputs", None)
    lines.pop("inputs", None)
    return facts


def _inputs_logged_as(declared: Mapping[str, Any]) -> str | None:
    """raw | hash | none from the explicit `inputs` key, else from the field names; None when nothing says."""
    if "inputs" in declared:
        return str(declared["inputs"])
    fields = set(declared.get("fields") or ())
    if fields & RAW_INPUT_FIELDS:
        return "raw"
    if fields & HASHED_INPUT_FIELDS:
        return "hash"
    return None


# -- the dictConfig ----------------------------------------------------------------------------------------------
def _is_dict_config(data: Mapping[str, Any]) -> bool:
    return data.get("version") == 1 and "handlers" in data


def _dict_config_facts(data: Mapping[str, Any], loaded: LoadedDocument, lines: dict[str, int]) -> dict[str, Any]:
    """Per-handler facts and what they add up to: durable storage, and how long rotation keeps records."""
    label = str(loaded.path)
    handlers_cfg = data.get("handlers")
    if not isinstance(handlers_cfg, dict):
        raise InputError(f"{label}:{loaded.line_of('handlers') or 1}: handlers: expected a mapping of handler names")
    attached = _attached_handler_names(data)
    handlers: dict[str, dict[str, Any]] = {}
    for name, config in handlers_cfg.items():
        handlers[name] = _handler_facts(name, config, name in attached)
        line = loaded.line_of(f"handlers.{name}")
        if line is not None:
            handlers[name]["line"] = line
            lines[f"handlers.{name}"] = line
        if isinstance(config, dict):
            for key in config:
                key_line = loaded.line_of(f"handlers.{name}.{key}")
                if key_line is not None:
                    lines[f"handlers.{name}.{_fact_key(key)}"] = key_line
    _resolve_forwarding(handlers, handlers_cfg)
    facts: dict[str, Any] = {
        "handlers": handlers,
        "unknown_handlers": sorted(name for name, facts in handlers.items() if not facts["known"]),
        "durable": any(h["durable"] and h["attached"] for h in handlers.values()),
    }
    facts.update(_rotation(handlers))
    lines["handlers"] = loaded.line_of("handlers") or 1
    if "rotation_handler" in facts:
        lines["rotation_retention_days"] = lines.get(f"handlers.{facts['rotation_handler']}", lines["handlers"])
    return facts


def _fact_key(key: str) -> str:
    return "factory" if key == "()" else key


def _attached_handler_names(data: Mapping[str, Any]) -> set[str]:
    """Handlers some logger (root or named) uses; others never see a record."""
    loggers: list[Any] = [data.get("root")]
    named = data.get("loggers")
    if isinstance(named, dict):
        loggers.extend(named.values())
    names: set[str] = set()
    for logger in loggers:
        if isinstance(logger, dict) and isinstance(logger.get("handlers"), list):
            names.update(str(name) for name in logger["handlers"])
    return names


def _handler_facts(name: str, config: Any, attached: bool) -> dict[str, Any]:
    """One handler's facts, from its class (or `()` factory) and rotation settings. Never raises."""
    if not isinstance(config, dict):
        return {
            "class": None,
            "known": False,
            "durable": False,
            "attached": attached,
            "retention": "none",
            "note": f"handler {name!r} is not a mapping",
        }
    cls = config.get("class", config.get("()"))
    kind = HANDLER_CLASSES.get(cls) if isinstance(cls, str) else None
    facts: dict[str, Any] = {
        "class": cls if isinstance(cls, str) else None,
        "known": kind is not None,
        "attached": attached,
    }
    for key in ("filename", "when", "interval", "backupCount", "maxBytes", "target", "address", "host"):
        if key in config and isinstance(config[key], (str, int, float)) and not isinstance(config[key], bool):
            facts[key] = config[key]
    if kind is None:
        facts.update(
            durable=False,
            retention="unknown",
            note=f"unknown handler class {cls!r}: comply cannot tell whether it stores records durably",
        )
        return facts
    facts.update(durable=kind.durable, retention=kind.retention, note=kind.note)
    if cls == "logging.handlers.TimedRotatingFileHandler":
        facts.update(_timed_rotation(config))
    elif cls == "logging.handlers.RotatingFileHandler":
        facts.update(_size_rotation(config))
    return facts


def _whole(value: Any, default: int) -> int | None:
    if value is None:
        return default
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _timed_rotation(config: Mapping[str, Any]) -> dict[str, Any]:
    """Days a TimedRotatingFileHandler keeps a record before deleting it: backupCount x interval x unit."""
    when = config.get("when", "h")
    unit = ROTATION_UNITS.get(when.upper()) if isinstance(when, str) else None
    interval = _whole(config.get("interval"), 1)
    backups = _whole(config.get("backupCount"), 0)
    if unit is None or interval is None or backups is None or interval == 0:
        return {
            "retention": "unknown",
            "note": f"invalid rotation settings (when={when!r}, interval={config.get('interval')!r}, "
            f"backupCount={config.get('backupCount')!r}); Python would refuse this handler",
        }
    if backups == 0:
        return {"retention": "unbounded", "note": "time-based rotation with backupCount 0 never deletes old files"}
    days = backups * interval * unit / SECONDS_PER_DAY
    return {
        "rotation_retention_days": int(days) if days == int(days) else round(days, 3),
        "note": f"rotates every {interval} x {when} and keeps {backups} old files",
    }


def _size_rotation(config: Mapping[str, Any]) -> dict[str, Any]:
    """A RotatingFileHandler bounds bytes, not days; with maxBytes or backupCount 0 it never rotates."""
    max_bytes = _whole(config.get("maxBytes"), 0)
    backups = _whole(config.get("backupCount"), 0)
    if max_bytes == 0 or backups == 0:
        return {"retention": "unbounded", "note": "maxBytes or backupCount is 0: the file is never rotated"}
    if max_bytes is None or backups is None:
        return {"retention": "unknown", "note": "invalid maxBytes/backupCount"}
    return {"note": f"keeps at most {backups + 1} x {max_bytes} bytes; how many days that is depends on traffic"}


def _resolve_forwarding(handlers: dict[str, dict[str, Any]], configs: Mapping[str, Any]) -> None:
    """MemoryHandler/QueueHandler store nothing themselves: they are as durable as the handlers they feed."""
    for name, facts in handlers.items():
        config = configs.get(name)
        if not isinstance(config, dict):
            continue
        targets: list[str] = []
        if facts["class"] == "logging.handlers.MemoryHandler" and isinstance(config.get("target"), str):
            targets = [config["target"]]
        elif facts["class"] == "logging.handlers.QueueHandler" and isinstance(config.get("handlers"), list):
            targets = [str(target) for target in config["handlers"]]
        for target in targets:
            if target in handlers and facts["attached"]:
                handlers[target]["attached"] = True
        fed = [handlers[target] for target in targets if target in handlers]
        if any(target["durable"] for target in fed):
            facts.update(durable=True, retention="forwarded", forwards_to=targets)


def _rotation(handlers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """How long the durable handlers together keep a record: the longest of them decides."""
    stores = {
        name: h for name, h in handlers.items() if h["durable"] and h["attached"] and h["retention"] != "forwarded"
    }
    if not stores:
        return {"rotation": "none"}
    kinds = {h["retention"] for h in stores.values()}
    if "unbounded" in kinds:
        return {"rotation": "unbounded"}
    if kinds == {"time"}:
        name = max(stores, key=lambda n: stores[n]["rotation_retention_days"])
        return {
            "rotation": "time",
            "rotation_retention_days": stores[name]["rotation_retention_days"],
            "rotation_handler": name,
        }
    if "size" in kinds:
        return {"rotation": "size"}
    return {"rotation": "external" if kinds <= {"external", "time"} else "unknown"}
