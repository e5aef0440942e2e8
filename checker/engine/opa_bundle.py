"""comply's policies as a standard OPA bundle (`comply policy bundle -o bundle.tar.gz`).

Organisations that run OPA centrally ship policy as bundles (`opa run --server bundle.tar.gz`, or a
bundle server with signing and decision logs). The archive holds a `.manifest` (revision, roots
`["comply"]`, comply's digest), `data.json` with `data.comply.*` at the root, and every policy module
(tests excluded). The bytes are deterministic: fixed order, mtime 0, uid/gid 0, no user names, and a
gzip header without a timestamp, so the same policies always give the same file and digest.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass

from checker.engine.bundle import CUSTOM_PACKAGE_PREFIX, Module, PolicyBundle
from checker.errors import UsageError

BUNDLE_ROOT = "comply"
"""Every package and every data document of comply lives under `data.comply`: the bundle's one root."""


@dataclass(frozen=True)
class BundleFile:
    name: str
    content: bytes


def bundle_files(bundle: PolicyBundle) -> list[BundleFile]:
    """The files of the archive, in archive order: `.manifest`, `data.json`, then modules by name."""
    modules = sorted(((archive_name(module), module) for module in bundle.policy_modules), key=lambda item: item[0])
    names = [name for name, _ in modules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise UsageError(f"two policy files map to the same bundle path: {', '.join(duplicates)}")
    outside = [module.path for _, module in modules if not _under_root(module.package)]
    if outside:
        raise UsageError(f"{outside[0]}: package is outside the bundle root data.{BUNDLE_ROOT}")
    manifest = {
        "revision": bundle.revision,
        "roots": [BUNDLE_ROOT],
        "metadata": {"comply_digest": bundle.digest},
    }
    files = [
        BundleFile(".manifest", _json_bytes(manifest)),
        BundleFile("data.json", _json_bytes(bundle.data)),
    ]
    files += [BundleFile(name, module.source.encode("utf-8")) for name, module in modules]
    return files


def archive_name(module: Module) -> str:
    """Built-in modules keep their `policies/...` path; custom ones go under `custom/`."""
    parts = [part for part in module.path.replace("\\", "/").split("/") if part not in {"", ".", ".."}]
    if module.package.startswith(CUSTOM_PACKAGE_PREFIX):
        return "/".join(["custom", *parts])
    return "/".join(parts)


def write_bundle(bundle: PolicyBundle) -> bytes:
    """The `.tar.gz` bytes of the bundle (deterministic)."""
    raw = io.BytesIO()
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.USTAR_FORMAT) as archive,
    ):
        for item in _tar_entries(bundle_files(bundle)):
            archive.addfile(*item)
    return raw.getvalue()


def _tar_entries(files: Iterable[BundleFile]) -> Iterable[tuple[tarfile.TarInfo, io.BytesIO | None]]:
    for item in files:
        info = tarfile.TarInfo(item.name)
        info.size = len(item.content)
        info.mtime = 0
        info.mode = 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        yield info, io.BytesIO(item.content)


def _under_root(package: str) -> bool:
    return package == BUNDLE_ROOT or package.startswith(BUNDLE_ROOT + ".")


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
