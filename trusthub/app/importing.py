"""`trusthub import`: what already exists on the target becomes profile files and recorded
state, so that `validate` passes and the next plan is empty.

Each customer profile (with the trust products assigned to it) is read whole
(`trusthub.app.reading`), with its A2P brand, the campaigns on its brand with their Messaging
Services, and its toll-free verifications (`trusthub.app.reading_messaging`), turned back
into a profile document (`trusthub.model.reverse`),
written in the workspace's own format (`trusthub.report.profile_file`) and recorded in the
state exactly as apply records what it made: the sealed body and spec hash of each resource,
its status, and the SID of every object under the role apply gives it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from trusthub.app.reading import ReadBundle, read_bundle
from trusthub.app.reading_messaging import AccountMessaging, Recorded, add_messaging, read_messaging
from trusthub.app.scaffold import schema_line, schema_reference
from trusthub.app.session import Session
from trusthub.apply.accounts import subaccount_sid
from trusthub.apply.kinds import APPLIERS
from trusthub.apply.kinds.messaging_service import ROLE as SERVICE_ROLE
from trusthub.common.files import temp_sibling
from trusthub.config.settings import AccountSettings
from trusthub.errors import ConfigError, TrusthubError
from trusthub.load.discovery import display_path
from trusthub.model.desired import PARENT_ACCOUNT, DesiredResource
from trusthub.model.kinds import (
    A2P_BRAND,
    MESSAGING_SERVICE,
    PROFILE,
    TRUST_PRODUCT,
    desired_resources,
)
from trusthub.model.kinds import messaging_service as ms
from trusthub.model.kinds import subaccount as sa
from trusthub.model.privacy import display, fingerprint, fingerprint_key
from trusthub.model.reverse import (
    PRODUCT_ORDER,
    ImportedProfile,
    Unmapped,
    profile_document,
    role_and_type,
)
from trusthub.provider.api import CUSTOMER_PROFILES, TRUST_PRODUCTS, Bundle, TrustHubProvider
from trusthub.provider.errors import AccountUnavailable, RemoteNotFound
from trusthub.report.profile_file import reads_back, render
from trusthub.state import KEEP
from trusthub.state.actor import current_holder

NAME_MAX: Final = 63


class ImportError_(TrusthubError):
    """An import that cannot be done as asked (nothing was written)."""


@dataclass
class ImportedFile:
    name: str
    path: str  # relative to the workspace, POSIX
    role: str
    type: str
    status: str
    sid: str
    products: list[str]
    text: str  # what is written (personal data included: the file is the user's config)
    masked: str  # the same with personal data masked, for --dry-run
    unmapped: list[Unmapped] = field(default_factory=list)
    overwrote: bool = False
    # its A2P brand, campaigns and toll-free verifications, described
    messaging: list[str] = field(default_factory=list)
    # resource name -> what apply would have recorded (brands, services, campaigns,
    # toll-free verifications)
    recorded: dict[str, Recorded] = field(default_factory=dict)


@dataclass
class ImportResult:
    files: list[ImportedFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already managed, with their names
    dry_run: bool = False


def slug(text: str) -> str:
    """A profile name from a friendly name: lower case ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:NAME_MAX].strip("-")
    return name or "profile"


def unique_name(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        suffix = f"-{n}"
        name = base[: NAME_MAX - len(suffix)].rstrip("-") + suffix
    taken.add(name)
    return name


def _comment(u: Unmapped) -> str:
    value = (
        "nothing"
        if u.value is None
        else yaml.safe_dump(u.value, default_flow_style=True, width=10_000, allow_unicode=True)
        .strip()
        .removesuffix("...")
        .strip()
    )
    return f"trusthub import: Trust Hub holds {value}: {u.why}"


def _comments(
    doc: Mapping[str, Any], unmapped: Iterable[Unmapped]
) -> dict[tuple[str | int, ...], list[str]]:
    """Each note above the deepest key of its path the document has (else at the top)."""
    notes: dict[tuple[str | int, ...], list[str]] = {}
    for u in unmapped:
        where: tuple[str | int, ...] = ()
        node: Any = doc
        for part in u.path:
            in_mapping = isinstance(node, Mapping) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
            if in_mapping or in_list:
                node, where = node[part], (*where, part)
            else:
                break
        notes.setdefault(where, []).append(_comment(u))
    return notes


def _managed(session: Session) -> dict[str, str]:
    """Bundle SID -> the name of the recorded profile it belongs to."""
    out: dict[str, str] = {}
    for r in session.store.snapshot():
        if r.kind == PROFILE:
            sid = session.store.sids(PROFILE, r.name).get("bundle")
            if sid is not None:
                out[sid] = r.name
    return out


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(path, "import")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class Importer:
    """Reads and records the profiles of one account: the parent's (by default), or a
    subaccount's through `api`, its provider, with the subaccount's logical `account`."""

    def __init__(
        self,
        session: Session,
        *,
        progress: Callable[[str], None] = lambda message: None,
        api: TrustHubProvider | None = None,
        account: str = PARENT_ACCOUNT,
    ) -> None:
        self.session = session
        self.settings = session.settings
        self.api = api if api is not None else session.target().api
        self.account = account
        self.key = fingerprint_key(session.store.meta().lineage)
        self.progress = progress
        self.numbers = self.api.list_numbers()
        self._products: dict[str, list[ReadBundle]] | None = None
        self._messaging: AccountMessaging | None = None

    @property
    def messaging(self) -> AccountMessaging:
        """The account's brands, campaigns and toll-free verifications (read once)."""
        if self._messaging is None:
            self._messaging = read_messaging(self.api)
        return self._messaging

    def products_of(self, profile_sid: str) -> list[ReadBundle]:
        """The trust products assigned to a customer profile (all are read once)."""
        if self._products is None:
            self._products = {}
            for bundle in self.api.list_bundles(TRUST_PRODUCTS):
                read = read_bundle(self.api, TRUST_PRODUCTS, bundle, self.numbers)
                for owner in read.observed.bundles:
                    self._products.setdefault(owner, []).append(read)
        return self._products.get(profile_sid, [])

    def _campaign_names(self, profile: str) -> dict[str, str]:
        """Messaging Service SID -> the campaign name the state records for it, in `profile`."""
        store = self.session.store
        out = {}
        for r in store.snapshot():
            owner, _, part = r.name.partition("/" + ms.NAME_PREFIX)
            if r.kind == MESSAGING_SERVICE and owner == profile and part:
                sid = store.sids(MESSAGING_SERVICE, r.name).get(SERVICE_ROLE)
                if sid is not None:
                    out[sid] = part
        return out

    def build(
        self,
        bundle: Bundle,
        name: str,
        path: Path,
        primary_names: Mapping[str, str],
        *,
        keep: Mapping[str, Any] | None = None,
    ) -> tuple[ImportedFile, ReadBundle, list[ReadBundle], ImportedProfile]:
        read = read_bundle(self.api, CUSTOMER_PROFILES, bundle, self.numbers)
        products = self.products_of(bundle.sid)
        with_sid = keep is None or "sid" in keep
        imported = profile_document(
            read.observed,
            name=name,
            primary_names=primary_names,
            products=[p.observed for p in products],
            with_sid=with_sid,
        )
        recorded, described = add_messaging(
            imported.document,
            imported,
            profile=name,
            profile_sid=bundle.sid,
            profile_numbers=read.observed.numbers,
            messaging=self.messaging,
            numbers=self.numbers,
            campaign_names=self._campaign_names(name),
        )
        doc = imported.document
        if self.account != PARENT_ACCOUNT:  # where apply will find it again
            doc = _with_account(doc, self.account)
        if keep is not None:
            # What the file asks for that Trust Hub does not hold yet stays asked for: a
            # toll-free number without a verification, a brand not registered yet, campaigns
            # not registered yet.
            held = {v.get("number") for v in doc.get("toll_free_verifications", [])}
            waiting = [
                v for v in keep.get("toll_free_verifications", []) if v.get("number") not in held
            ]
            if waiting:
                doc["toll_free_verifications"] = [*doc.get("toll_free_verifications", []), *waiting]
            # The file's `submit` matters only while the bundle is a draft.
            if "submit" in keep and bundle.status == "draft":
                doc["submit"] = keep["submit"]
            # Trust products the file asks for that Trust Hub does not hold yet (they wait
            # for the profile's approval) stay asked for; the A2P brand is the file's.
            asked = dict(doc.get("trust_products", {}))
            for product, spec in keep.get("trust_products", {}).items():
                if product not in asked:
                    asked[product] = spec
                elif isinstance(spec, Mapping):
                    # The file's brand stands until one is registered (a starter profile's
                    # reads back without what only the file says, such as `mock`).
                    registered = any(r.kind == A2P_BRAND for r in recorded.values())
                    if "brand" in spec and not registered:
                        asked[product] = {**asked[product], "brand": spec["brand"]}
                    if "campaigns" in spec and "campaigns" not in asked[product]:
                        asked[product] = {**asked[product], "campaigns": spec["campaigns"]}
            if asked:
                doc["trust_products"] = {p: asked[p] for p in PRODUCT_ORDER if p in asked} | {
                    p: v for p, v in asked.items() if p not in PRODUCT_ORDER
                }
        role, type_ = role_and_type(bundle.policy_sid) or ("secondary", "business")
        header = [
            (
                f"Imported from Trust Hub by `trusthub import`: customer profile {bundle.sid}, "
                f"{bundle.status}."
            )
        ]
        comments = _comments(doc, imported.unmapped)
        if doc.get("submit") is False and keep is None:
            comments.setdefault(("submit",), []).append(
                "a draft on Trust Hub: remove this line to have trusthub submit it"
            )
        # As `trusthub new profile` writes it: editors validate the file against the
        # workspace's copy of the schema (the import command writes that copy).
        first = schema_line(schema_reference(self.settings.root, path))
        text = first + render(doc, header=header, comments=comments)
        if not reads_back(text, doc):  # the writer's own check: it must read back as is
            raise AssertionError(f"{name}: the written file does not read back as imported")
        masked_doc = display((), doc, self.key)
        masked = first + render(masked_doc, header=header)
        shown = display_path(self.settings.root, path)
        imported_file = ImportedFile(
            name,
            shown,
            role,
            type_,
            bundle.status,
            bundle.sid,
            sorted(imported.products),
            text,
            masked,
            imported.unmapped,
            overwrote=path.exists(),
            messaging=described,
            recorded=recorded,
        )
        return imported_file, read, products, imported

    def record(
        self,
        file: ImportedFile,
        doc: Mapping[str, Any],
        read: ReadBundle,
        products: list[ReadBundle],
        imported: ImportedProfile,
    ) -> None:
        """Record the profile and its trust products as apply would have: sealed body,
        spec hash, policy, status, and the SID of every object."""
        by_sid = {p.bundle.sid: p for p in products}
        resources = desired_resources([(file.name, dict(doc), file.path)])
        store = self.session.store
        actor = self.session.actor
        with store.transaction() as tx:
            for resource in resources.values():
                source = self._source(resource, read, by_sid, imported, file.recorded)
                if source is None:
                    continue
                roles = dict(source.roles)
                for e164, pn in source.number_sids.items():
                    roles["number:" + fingerprint(self.key, e164)] = pn
                tx.put_resource(
                    resource.kind,
                    resource.name,
                    spec=resource.sealed(self.key).to_data(),
                    spec_hash=resource.spec_hash(self.key),
                    policy_sid=source.policy_sid,
                    account=self.account,
                )
                # `--update` takes Trust Hub's objects as they are now.
                for old in store.remote_objects(resource.kind, resource.name):
                    if roles.get(old.role) != old.sid:
                        tx.forget(resource.kind, resource.name, old.role)
                for role, sid in sorted(roles.items()):
                    tx.confirm(resource.kind, resource.name, role, sid)
                observed = APPLIERS[resource.kind].observe(self.api, roles)
                status = observed.status if observed else source.status
                detail = observed.detail if observed else None
                tx.set_status(
                    resource.kind,
                    resource.name,
                    status,
                    action="import",
                    reasons=observed.reasons if observed else (),
                    # a kind's own detail (a brand's TCR id, identity status), as refresh
                    # records it
                    evaluation=dict(detail) if detail is not None else KEEP,
                    valid_until=observed.valid_until if observed else None,
                    actor=actor,
                    detail={"sid": source.sid, "file": file.path},
                )

    @staticmethod
    def _source(
        resource: DesiredResource,
        read: ReadBundle,
        products: Mapping[str, ReadBundle],
        imported: ImportedProfile,
        messaging: Mapping[str, Recorded],
    ) -> Recorded | None:
        if resource.kind == PROFILE:
            return _bundle_source(resource.kind, read)
        if resource.kind == TRUST_PRODUCT:
            sid = imported.products.get(resource.product or "")
            product = products.get(sid) if sid else None
            return _bundle_source(resource.kind, product) if product else None
        found = messaging.get(resource.name)
        # A resource the file asks for that Trust Hub does not hold (`--update` keeps it)
        # is not recorded: the plan creates it.
        return found if found is not None and found.kind == resource.kind else None


def _bundle_source(kind: str, read: ReadBundle) -> Recorded:
    return Recorded(
        kind,
        read.bundle.sid,
        read.bundle.status,
        dict(read.sids),
        dict(read.number_sids),
        policy_sid=read.bundle.policy_sid,
    )


def _with_account(doc: Mapping[str, Any], account: str) -> dict[str, Any]:
    """`doc` with `account:` right after `primary:` (or `role:`), as a person would write it."""
    out: dict[str, Any] = {}
    anchor = "primary" if "primary" in doc else "role"
    for key, value in doc.items():
        out[key] = value
        if key == anchor:
            out["account"] = account
    out.setdefault("account", account)
    return out


def _subaccount_importers(
    session: Session, parent: Importer, result: ImportResult, progress: Callable[[str], None]
) -> list[Importer]:
    """An importer for each declared subaccount that can be read; what cannot (suspended,
    closed) and the parent's subaccounts trusthub.yaml does not declare are reported."""
    declared: dict[str, str] = {}  # sid -> logical name
    for account in session.settings.accounts:
        sid = _subaccount_sid(session, account)
        if sid is None:
            result.skipped.append(f"account {account.name}: not made yet (apply creates it)")
            continue
        declared[sid] = account.name
    importers = []
    for sid, name in sorted(declared.items(), key=lambda item: item[1]):
        try:
            api = parent.api.in_subaccount(sid)
        except (AccountUnavailable, RemoteNotFound) as e:
            result.skipped.append(f"account {name}: not read ({e.message})")
            continue
        importers.append(Importer(session, progress=progress, api=api, account=name))
    for other in parent.api.list_subaccounts():
        if other.sid not in declared and other.status == sa.ACTIVE:
            result.skipped.append(
                f"subaccount {other.sid} ({other.friendly_name!r}) is not declared in "
                f"trusthub.yaml; to import its profiles add `accounts: {{"
                f"{slug(other.friendly_name)}: {{sid: {other.sid}}}}}` and import again"
            )
    return importers


def _existing_names(profiles_dir: Path) -> set[str]:
    return {p.stem for p in profiles_dir.glob("*.yaml")} if profiles_dir.is_dir() else set()


def run_import(
    session: Session,
    *,
    all_: bool = False,
    name: str | None = None,
    sid: str | None = None,
    update: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    lock_timeout: float = 0.0,
    progress: Callable[[str], None] = lambda message: None,
    account: str = PARENT_ACCOUNT,
) -> ImportResult:
    settings = session.settings
    if account not in settings.account_names:
        raise ConfigError(
            f"account {account!r} is not declared in trusthub.yaml",
            hint="declare it under `accounts:` (`NAME: {sid: AC...}`) first",
        )
    with session.store.lock(current_holder("import"), timeout=lock_timeout):
        parent = Importer(session, progress=progress)
        importer = parent
        if account != PARENT_ACCOUNT:
            importer = _one_subaccount(session, parent, account, progress)
        managed = _managed(session)
        names_in_state = {r.name for r in session.store.snapshot()}
        # Without --force, --all picks names no file has; with it, a file of the same name
        # is overwritten.
        taken = names_in_state | (set() if force else _existing_names(settings.profiles_dir))
        result = ImportResult(dry_run=dry_run)
        # (importer, bundle, name, path, file data kept by --update)
        todo: list[tuple[Importer, Bundle, str, Path, Mapping[str, Any] | None]] = []
        if update is not None:
            recorded = session.store.resource(PROFILE, update)
            if recorded is not None and recorded.account != account:  # read where it lives
                importer = (
                    parent
                    if recorded.account == PARENT_ACCOUNT
                    else _one_subaccount(session, parent, recorded.account, progress)
                )
            todo.append((importer, *_update_target(session, importer, managed, update)))
        elif sid is not None and name is not None:
            if sid in managed:
                raise ImportError_(
                    f"{sid} is already managed as {managed[sid]}",
                    hint=f"`trusthub import --update {managed[sid]}` writes Trust Hub's values "
                    "into its file",
                )
            try:
                bundle = importer.api.fetch_bundle(CUSTOMER_PROFILES, sid)
            except RemoteNotFound:
                raise ImportError_(
                    f"there is no customer profile {sid} on the target",
                    hint="`trusthub import --all` imports every customer profile there is",
                ) from None
            if name in names_in_state:
                raise ImportError_(
                    f"the state already records a profile named {name}",
                    hint="choose another name",
                )
            todo.append((importer, bundle, name, settings.profiles_dir / f"{name}.yaml", None))
        elif all_:
            # The parent's profiles, then each declared subaccount's, read with its own
            # credentials (issue 14).
            walked = [parent, *_subaccount_importers(session, parent, result, progress)]
            listed = _list_in_parallel(walked, settings.parallelism)
            found = [(imp, b) for imp, bundles in zip(walked, listed, strict=True) for b in bundles]
            # Primaries first: their names are what secondaries refer to.
            found.sort(
                key=lambda f: (_rank(f[1]), f[1].date_created is None, f[1].date_created, f[1].sid)
            )
            for imp, bundle in found:
                if bundle.sid in managed:
                    result.skipped.append(
                        f"{bundle.sid} is already managed as {managed[bundle.sid]}"
                    )
                    continue
                chosen = unique_name(slug(bundle.friendly_name), taken)
                todo.append((imp, bundle, chosen, settings.profiles_dir / f"{chosen}.yaml", None))
        else:
            raise ConfigError("say what to import: --all, NAME SID, or --update NAME")
        primary_names = dict(managed)
        for _imp, bundle, chosen, _path, _keep in todo:
            if (role_and_type(bundle.policy_sid) or ("secondary",))[0] == "primary":
                primary_names[bundle.sid] = chosen
        built = []
        if sid is not None:
            _check_primary_known(importer, todo[0][1], primary_names)
        for imp, bundle, chosen, path, keep in todo:
            progress(f"reading {chosen} ({bundle.sid})")
            built.append((imp, imp.build(bundle, chosen, path, primary_names, keep=keep), path))
        conflicts = [f.path for _imp, (f, *_rest), _p in built if f.overwrote and update is None]
        if conflicts and not force and not dry_run:
            raise ImportError_(
                "would overwrite " + ", ".join(conflicts) + "; nothing was written",
                hint="pass --force to overwrite them, or import under another NAME",
            )
        for imp, (file, read, products, imported), path in built:
            result.files.append(file)
            if dry_run:
                continue
            _write(path, file.text)
            imp.record(file, imported.document, read, products, imported)
        if all_:
            # Brands, campaigns and verifications no profile took are named, not dropped.
            kept = _recorded_sids(session)
            for imp in walked:
                for object_sid, note in imp.messaging.orphans():
                    if object_sid not in kept:
                        result.skipped.append(note)
        return result


def _recorded_sids(session: Session) -> set[str]:
    """Every object SID the state records (a managed profile's brand is no orphan)."""
    store = session.store
    return {sid for r in store.snapshot() for sid in store.sids(r.kind, r.name).values()}


def _subaccount_sid(session: Session, account: AccountSettings) -> str | None:
    return subaccount_sid(account.name, session.store.sids, account.sid)


def _one_subaccount(
    session: Session, parent: Importer, account: str, progress: Callable[[str], None]
) -> Importer:
    """The importer of the declared subaccount `account` (`import --account`)."""
    declared = next(a for a in session.settings.accounts if a.name == account)
    sid = _subaccount_sid(session, declared)
    if sid is None:
        raise ImportError_(
            f"account {account} has no subaccount yet; nothing was written",
            hint="give its `sid:` in trusthub.yaml, or let apply create it first",
        )
    try:
        api = parent.api.in_subaccount(sid)
    except (AccountUnavailable, RemoteNotFound) as e:
        raise ImportError_(f"account {account}: {e.message}; nothing was written") from None
    return Importer(session, progress=progress, api=api, account=account)


def _list_in_parallel(importers: list[Importer], parallelism: int) -> list[list[Bundle]]:
    """Each account's customer profiles, up to `parallelism` accounts at a time."""
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(importers)))) as pool:
        return list(pool.map(lambda imp: imp.api.list_bundles(CUSTOMER_PROFILES), importers))


def _check_primary_known(importer: Importer, bundle: Bundle, primaries: Mapping[str, str]) -> None:
    """A secondary is imported once its primary is managed: its file names the primary."""
    if _rank(bundle) == 0:
        return
    assigned = [
        s
        for s in importer.api.entity_assignments(CUSTOMER_PROFILES, bundle.sid)
        if s.startswith("BU")
    ]
    if assigned and not any(s in primaries for s in assigned):
        raise ImportError_(
            f"{bundle.sid} is a secondary profile of {assigned[0]}, which trusthub does not "
            "manage yet; nothing was written",
            hint=f"import its primary first (`trusthub import NAME {assigned[0]}`), or use --all",
        )


def _rank(bundle: Bundle) -> int:
    return 0 if (role_and_type(bundle.policy_sid) or ("secondary",))[0] == "primary" else 1


def _update_target(
    session: Session, importer: Importer, managed: Mapping[str, str], name: str
) -> tuple[Bundle, str, Path, Mapping[str, Any]]:
    """`import --update NAME`: the recorded profile's bundle and its file."""
    sid = next((s for s, n in managed.items() if n == name), None)
    if sid is None:
        raise ImportError_(
            f"the state records no customer profile named {name}",
            hint="`trusthub import NAME SID` imports a profile trusthub does not manage yet",
        )
    from trusthub.app.loading import load_workspace

    workspace = load_workspace(session.settings)
    doc = workspace.profiles.get(name)
    path = (
        session.settings.root / doc.path
        if doc is not None
        else session.settings.profiles_dir / f"{name}.yaml"
    )
    try:
        bundle = importer.api.fetch_bundle(CUSTOMER_PROFILES, sid)
    except RemoteNotFound:
        raise ImportError_(f"{name}: its bundle {sid} is gone from Trust Hub") from None
    return bundle, name, path, dict(doc.data) if doc is not None else {}
