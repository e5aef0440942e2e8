"""The policy bundle: Rego modules, policy data and the METADATA of every rule.

Loaded once per process and shared by every card checked in a run. Rule METADATA is read here from
the `# METADATA` comment blocks (OPA's annotation format), because regorus does not implement
`rego.metadata.rule()`; the report joins it to results by `custom.id`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checker.engine.thresholds import DeviationRequest, Setting, apply_thresholds
from checker.errors import InputError, UsageError
from checker.evidence.loader import note_input
from checker.report.model import Deviation
from checker.resources import policies_dir

CUSTOM_PACKAGE_PREFIX = "comply.custom."
CUSTOM_DATA_NAMES = ("data.json", "data.yaml", "data.yml")
"""Data files a --policy directory may hold (their keys must lie under comply.custom)."""
_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RULE_HEAD = re.compile(r"^\s*([A-Za-z_]\w*)")
_ARTICLE_5 = re.compile(r"^\s*Art(?:icle|\.)?\s*5(?!\d)", re.IGNORECASE)
CUSTOM_RULE_SET = re.compile(r"^(deny|violation|warn)(_[A-Za-z0-9_]+)?$")
"""The rule sets comply reads from a custom package (conftest's names), besides `checks`."""
_TOP_LEVEL_RULE = re.compile(r"^(?:default\s+)?([A-Za-z_]\w*)(?=\s*(?:contains\b|if\b|:=|=|\(|\[|\{|$))", re.MULTILINE)
_NOT_RULES = frozenset({"package", "import", "default", "else"})
_COMMENT = re.compile(r"#[^\n]*")


@dataclass(frozen=True)
class RuleMetadata:
    """What a rule says about itself in its `# METADATA` block."""

    id: str
    title: str
    description: str
    article: str
    severity: str
    remediation: str
    file: str
    line: int
    rule: str
    package: str
    custom: Mapping[str, Any] = field(default_factory=dict)

    @property
    def prohibited_practice(self) -> bool:
        """True for rules on prohibited practices: the article is Art. 5 (not Art. 50-59) or the id art5.*."""
        return bool(_ARTICLE_5.match(self.article)) or self.id.startswith("art5.")

    @property
    def waivable(self) -> bool:
        """Art. 5 findings (and any rule marked `waivable: false`) can never be waived."""
        return self.custom.get("waivable", True) is not False and not self.prohibited_practice


@dataclass(frozen=True)
class Module:
    """One Rego source file."""

    path: str
    source: str
    package: str

    @property
    def is_test(self) -> bool:
        return self.path.endswith("_test.rego")


@dataclass(frozen=True)
class PolicyBundle:
    """Everything an engine needs: modules, data, and the metadata the report joins to results."""

    modules: tuple[Module, ...]
    data: Mapping[str, Any]
    metadata: Mapping[str, RuleMetadata]
    revision: str
    digest: str
    deviations: tuple[Deviation, ...] = ()
    """Organisational thresholds loosened on purpose (comply.yaml `deviations:`): every report shows them."""

    @property
    def policy_modules(self) -> tuple[Module, ...]:
        """The modules evaluated by `comply check` (tests excluded)."""
        return tuple(module for module in self.modules if not module.is_test)


def load_bundle(
    extra_dirs: Sequence[Path] = (),
    *,
    thresholds: Sequence[Setting] = (),
    deviations: Sequence[DeviationRequest] = (),
    feature_lists: Mapping[str, Any] | None = None,
    feature_lists_where: Callable[[str], str] = str,
) -> PolicyBundle:
    """Load the built-in policies plus an organisation's own (`--policy DIR`), refusing conflicts, with
    the organisation's thresholds applied (see checker/engine/thresholds.py: never a legal constant)."""
    root = policies_dir()
    modules = list(_read_modules(root, label_root=root.parent))
    data = _read_data(root / "data.json")
    owners = _Owners()
    for directory in _distinct(extra_dirs):
        if not directory.is_dir():
            raise UsageError(f"{directory}: --policy expects a directory of .rego files")
        custom = list(_read_modules(directory, label_root=None))
        if not custom:
            raise UsageError(f"{directory}: no .rego files in this policy directory")
        for module in custom:
            if not module.is_test and not module.package.startswith(CUSTOM_PACKAGE_PREFIX):
                raise UsageError(
                    f"{module.path}: package {module.package} is not allowed; custom policies must live "
                    f"under {CUSTOM_PACKAGE_PREFIX}* so they cannot replace built-in rules"
                )
            if not module.is_test:
                owners.claim_package(module.package, directory, module.path)
        modules.extend(custom)
        for data_file in sorted(path for name in CUSTOM_DATA_NAMES for path in directory.rglob(name)):
            data = merge_custom_data(data, data_file, owners, directory)
    data, accepted = apply_thresholds(data, thresholds, deviations)
    if feature_lists:
        from checker.evidence.features import extend_lists

        data = extend_lists(data, feature_lists, feature_lists_where)
    custom_modules = [m for m in modules if m.package.startswith(CUSTOM_PACKAGE_PREFIX) and not m.is_test]
    check_custom_rule_names(custom_modules)
    metadata = _collect_metadata(modules)
    metadata.update(package_rule_metadata(custom_modules, metadata))
    manifest = _read_manifest(root / ".manifest")
    digest = _digest(modules, data)
    revision = str(manifest.get("revision", "unversioned"))
    return PolicyBundle(tuple(modules), data, metadata, revision, digest, accepted)


def _distinct(directories: Sequence[Path]) -> list[Path]:
    """The policy directories, each once (the same one from comply.yaml and --policy is not a conflict)."""
    seen: set[Path] = set()
    result = []
    for directory in directories:
        key = directory.resolve()
        if key not in seen:
            seen.add(key)
            result.append(directory)
    return result


@dataclass
class _Owners:
    """Which policy directory defines each custom package and which file each `comply.custom` data key.

    OPA refuses data that overlaps a package and merges packages split over directories, while regorus lets
    data shadow rules; a centrally supplied directory must not be extended or shadowed by a repository's own.
    So a package is defined by one directory, a data key by one file, and no data key of one directory lies
    on a package path of another: each conflict is a load error naming both files.
    """

    packages: dict[str, tuple[Path, str]] = field(default_factory=dict)
    data_keys: dict[str, tuple[Path, str]] = field(default_factory=dict)

    def claim_package(self, package: str, directory: Path, file: str) -> None:
        owner = self.packages.get(package)
        if owner is not None and owner[0] != directory:
            raise UsageError(
                f"{file}: package {package} is already defined in {owner[1]} (another policy directory); "
                "a custom package lives in one directory"
            )
        self.packages.setdefault(package, (directory, file))
        for key, (data_directory, data_file) in self.data_keys.items():
            if data_directory != directory and _overlaps(key, package):
                raise UsageError(f"{file}: package {package} overlaps the data {key} of {data_file}")

    def claim_data(self, key: str, directory: Path, file: str) -> None:
        owner = self.data_keys.get(key)
        if owner is not None:
            raise UsageError(f"{file}: {key} is already defined by {owner[1]}")
        for package, (package_directory, package_file) in self.packages.items():
            if package_directory != directory and _overlaps(key, package):
                raise UsageError(
                    f"{file}: data {key} overlaps package {package} of {package_file} (another policy directory)"
                )
        self.data_keys[key] = (directory, file)


def _overlaps(data_key: str, package: str) -> bool:
    return package == data_key or package.startswith(data_key + ".") or data_key.startswith(package + ".")


def merge_custom_data(
    data: Mapping[str, Any], path: Path, owners: _Owners | None = None, directory: Path | None = None
) -> dict[str, Any]:
    """Add a policy directory's data file (`data.json` / `data.yaml`) to the bundle data.

    Custom rules may bring their own data, but only under `comply.custom`: built-in data (thresholds,
    dates) is changed through comply.yaml `thresholds:` / `--data`, which refuse unknown keys, never by a
    policy directory. Two directories may not define the same `comply.custom` key.
    """
    from checker.evidence.loader import load_document

    extra = load_document(path).data
    comply = extra.get("comply") if isinstance(extra, dict) else None
    outside = [str(key) for key in extra] if isinstance(extra, dict) else []
    outside = [key for key in outside if key != "comply"]
    if isinstance(comply, dict):
        outside += [f"comply.{key}" for key in comply if key != "custom"]
    if not isinstance(comply, dict) or outside or not isinstance(comply.get("custom", {}), dict):
        _refuse_legal_constants(path, data, comply)
        found = f" (found {', '.join(sorted(outside))})" if outside else ""
        raise UsageError(
            f"{path}: custom policy data may only add keys under comply.custom{found}; built-in data cannot be "
            "redefined (change thresholds with `thresholds:` in comply.yaml or --data)"
        )
    merged: dict[str, Any] = json.loads(json.dumps(data))
    target = merged.setdefault("comply", {}).setdefault("custom", {})
    owners = owners if owners is not None else _Owners()
    for key, value in comply.get("custom", {}).items():
        owners.claim_data(f"comply.custom.{key}", directory or path.parent, path.as_posix())
        if key in target:
            raise UsageError(f"{path}: comply.custom.{key} is already defined by another policy directory")
        target[key] = value
    return merged


def _refuse_legal_constants(path: Path, data: Mapping[str, Any], comply: Any) -> None:
    """Name the legal constant a policy directory's data tries to set (law or thresholds section)."""
    from checker.engine.thresholds import LAW, RULES, THRESHOLDS, legal_constant_error

    if not isinstance(comply, dict):
        return
    law = data.get("comply", {}).get(LAW, {})
    rules = data.get("comply", {}).get(RULES, {})
    for section in (LAW, THRESHOLDS):
        written = comply.get(section)
        named = sorted(key for key in written if key in law) if isinstance(written, dict) else []
        if named:
            message = legal_constant_error(f"{path}: comply.{section}.{named[0]}", named[0], law, rules)
            raise UsageError(f"{message}; custom policy data may only add keys under comply.custom")


def _read_modules(directory: Path, *, label_root: Path | None) -> Iterable[Module]:
    for path in sorted(directory.rglob("*.rego")):
        note_input(path)
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"{path}: cannot read policy: {err}") from None
        label = path.relative_to(label_root).as_posix() if label_root else path.as_posix()
        match = _PACKAGE.search(source)
        if match is None:
            raise InputError(f"{label}:1: policy has no package declaration")
        yield Module(label, source, match.group(1))


def _read_data(path: Path) -> dict[str, Any]:
    note_input(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{path}: cannot read policy data: {err}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: policy data must be a JSON object")
    return data


def _read_manifest(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{path}: cannot read bundle manifest: {err}") from None
    return dict(manifest) if isinstance(manifest, dict) else {}


def _digest(modules: Sequence[Module], data: Mapping[str, Any]) -> str:
    hasher = hashlib.sha256()
    for module in sorted(modules, key=lambda m: m.path):
        if module.is_test:
            continue
        hasher.update(module.path.encode())
        hasher.update(b"\0")
        hasher.update(module.source.encode())
        hasher.update(b"\0")
    hasher.update(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())
    return "sha256:" + hasher.hexdigest()


def _collect_metadata(modules: Sequence[Module]) -> dict[str, RuleMetadata]:
    found: dict[str, RuleMetadata] = {}
    for module in modules:
        if module.is_test:
            continue
        for meta in parse_metadata(module):
            previous = found.get(meta.id)
            if previous is not None:
                raise InputError(
                    f"{meta.file}:{meta.line}: rule id {meta.id} already has METADATA at {previous.file}:{previous.line}"
                )
            found[meta.id] = meta
    return found


def top_level_rules(module: Module) -> list[tuple[str, int]]:
    """(name, line) of every rule head at the start of a line (how Rego files are written and formatted)."""
    code = _COMMENT.sub("", module.source)
    found = []
    for match in _TOP_LEVEL_RULE.finditer(code):
        if match.group(1) not in _NOT_RULES:
            found.append((match.group(1), code.count("\n", 0, match.start()) + 1))
    return found


def check_custom_rule_names(modules: Sequence[Module]) -> None:
    """Refuse a custom rule that would vanish: one that is neither a rule set comply reads (`deny`, `warn`,
    `violation`, each optionally `_suffixed`, or `checks`) nor used by another rule (a helper).

    `denies contains ...` or `violations contains ...` would otherwise be evaluated and never reported:
    exit 0 for a rule that fails.
    """
    code = "\n".join(_COMMENT.sub("", module.source) for module in modules)
    heads = {module.path: top_level_rules(module) for module in modules}
    definitions: dict[str, int] = {}
    for rules in heads.values():
        for name, _ in rules:
            definitions[name] = definitions.get(name, 0) + 1
    for module in modules:
        for name, line in heads[module.path]:
            if CUSTOM_RULE_SET.match(name) or name == "checks":
                continue
            uses = len(re.findall(rf"(?<![\w]){re.escape(name)}(?![\w])", code)) - definitions[name]
            if uses <= 0:
                raise InputError(
                    f"{module.path}:{line}: rule {name} in {module.package} is never reported: comply reads only "
                    "deny, warn, violation (each optionally deny_<name> ...) and checks; rename it or use it "
                    "from one of them"
                )


def package_rule_metadata(modules: Sequence[Module], explicit: Mapping[str, RuleMetadata]) -> dict[str, RuleMetadata]:
    """METADATA for the package-path rule id of each custom package with a rule set (conftest's shape).

    A string finding (`deny contains msg`) or an object finding without `id` is reported under its
    package path (`comply.custom.team.naming`). Unless a `# METADATA` block claims that id, it is described
    here: an organisation rule, high severity when the package can deny, medium when it only warns.
    """
    found: dict[str, RuleMetadata] = {}
    for module in sorted(modules, key=lambda m: m.path):
        rule_sets = [(name, line) for name, line in top_level_rules(module) if CUSTOM_RULE_SET.match(name)]
        if not rule_sets or module.package in explicit:
            continue
        denies = any(not name.startswith("warn") for name, _ in rule_sets)
        previous = found.get(module.package)
        if previous is not None and (previous.severity == "high" or not denies):
            continue
        found[module.package] = RuleMetadata(
            id=module.package,
            title=f"Custom policy {module.package}",
            description=f"Findings of the custom policy package {module.package} that carry no rule id of their own.",
            article=f"Organisation policy (custom: {module.package})",
            severity="high" if denies else "medium",
            remediation=f"Fix what the finding says; the rule is in {module.path}.",
            file=module.path,
            line=rule_sets[0][1],
            rule=rule_sets[0][0],
            package=module.package,
            custom={"id": module.package},
        )
    return found


def parse_metadata(module: Module) -> list[RuleMetadata]:
    """Read every `# METADATA` block that annotates a rule carrying a `custom.id`."""
    lines = module.source.splitlines()
    result: list[RuleMetadata] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "# METADATA":
            index += 1
            continue
        start = index + 1
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].lstrip().startswith("#"):
            text = lines[index].lstrip()[1:]
            body.append(text[1:] if text.startswith(" ") else text)
            index += 1
        head_line = index + 1
        head = _RULE_HEAD.match(lines[index]) if index < len(lines) else None
        try:
            annotation = yaml.load("\n".join(body), Loader=_SafeLoader) or {}
        except yaml.YAMLError as err:
            raise InputError(f"{module.path}:{start}: METADATA is not valid YAML: {one_line_yaml(err)}") from None
        if not isinstance(annotation, dict):
            raise InputError(f"{module.path}:{start}: METADATA must be a YAML mapping")
        if annotation.get("scope") in {"package", "subpackages", "document"}:
            continue
        custom = annotation.get("custom") or {}
        if not isinstance(custom, dict) or "id" not in custom:
            continue
        result.append(_metadata(module, annotation, custom, head_line, head.group(1) if head else ""))
    return result


def _metadata(
    module: Module, annotation: Mapping[str, Any], custom: Mapping[str, Any], line: int, rule: str
) -> RuleMetadata:
    missing = [key for key in ("article", "severity", "remediation") if not custom.get(key)]
    if not annotation.get("title"):
        missing.insert(0, "title")
    if missing:
        raise InputError(f"{module.path}:{line}: METADATA for {custom['id']} lacks {', '.join(missing)}")
    return RuleMetadata(
        id=str(custom["id"]),
        title=str(annotation["title"]).strip(),
        description=" ".join(str(annotation.get("description", "")).split()),
        article=str(custom["article"]),
        severity=str(custom["severity"]),
        remediation=" ".join(str(custom["remediation"]).split()),
        file=module.path,
        line=line,
        rule=rule,
        package=module.package,
        custom=dict(custom),
    )


def one_line_yaml(err: yaml.YAMLError) -> str:
    return " ".join(str(err).split())
