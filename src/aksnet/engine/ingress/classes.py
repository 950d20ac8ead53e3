"""Which Ingresses one ingress-nginx controller serves (IngressClass, default class, legacy annotation).

Rules: networking.k8s.io/v1 Ingress ``spec.ingressClassName`` names an IngressClass whose
``spec.controller`` must equal the controller's ``--controller-class``; the deprecated
``kubernetes.io/ingress.class`` annotation must equal its ``--ingress-class`` (default ``nginx``);
an Ingress with neither is served only with ``--watch-ingress-without-class``, unless exactly one
IngressClass carries ``ingressclass.kubernetes.io/is-default-class: "true"`` (the DefaultIngressClass
admission plugin then writes that class into the Ingress at creation). Sources: ingress-nginx
docs/user-guide/k8s-122-migration.md, cli-arguments.md; kubernetes ingress.md "Default IngressClass".
Must not build servers or look at paths.
"""

from __future__ import annotations

from collections.abc import Sequence

from aksnet.engine.ingress.model import ControllerConfig, IgnoredIngress, Step
from aksnet.model import k8s
from aksnet.rules.kubernetes import LEGACY_INGRESS_CLASS_ANNOTATION as LEGACY_CLASS_ANNOTATION

DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


def effective_class(ing: k8s.Ingress, classes: Sequence[k8s.IngressClass]) -> tuple[str | None, str]:
    """The class an Ingress ends up with, and where it came from (spec, annotation, default, none)."""
    if ing.ingress_class_name:
        return ing.ingress_class_name, "spec.ingressClassName"
    legacy = ing.annotations.get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        return legacy, f"annotation {LEGACY_CLASS_ANNOTATION}"
    defaults = [c for c in classes if c.is_default]
    if len(defaults) == 1:
        return defaults[0].name, f"default IngressClass ({DEFAULT_CLASS_ANNOTATION})"
    return None, "none"


def classes_of_controller(
    classes: Sequence[k8s.IngressClass], config: ControllerConfig
) -> tuple[k8s.IngressClass, ...]:
    """IngressClasses whose spec.controller is this controller's --controller-class."""
    return tuple(sorted((c for c in classes if c.controller == config.controller_class), key=lambda c: c.name))


def serves(ing: k8s.Ingress, classes: Sequence[k8s.IngressClass], config: ControllerConfig) -> tuple[bool, Step]:
    """Whether this controller serves the Ingress, with the rule that decided it."""
    mine = {c.name for c in classes_of_controller(classes, config)}
    by_name = {c.name: c for c in classes}
    if ing.ingress_class_name:
        name = ing.ingress_class_name
        if name in mine:
            return True, Step(
                f"ingressClassName {name} belongs to controller {config.controller_class}", "spec.ingressClassName"
            )
        if name not in by_name:
            return False, Step(f"IngressClass {name!r} does not exist", "spec.ingressClassName")
        return False, Step(
            f"IngressClass {name} belongs to controller {by_name[name].controller}, not {config.controller_class}",
            "spec.ingressClassName",
        )
    legacy = ing.annotations.get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        if legacy == config.ingress_class:
            return True, Step(f"annotation class {legacy} equals --ingress-class", LEGACY_CLASS_ANNOTATION)
        return False, Step(
            f"annotation class {legacy} is not --ingress-class={config.ingress_class}", LEGACY_CLASS_ANNOTATION
        )
    defaults = [c for c in classes if c.is_default]
    if len(defaults) == 1:
        d = defaults[0]
        if d.name in mine:
            return True, Step(f"no class: the default IngressClass {d.name} was assigned", DEFAULT_CLASS_ANNOTATION)
        return False, Step(
            f"no class: the default IngressClass {d.name} belongs to {d.controller}", DEFAULT_CLASS_ANNOTATION
        )
    if len(defaults) > 1:
        names = ", ".join(sorted(c.name for c in defaults))
        return False, Step(
            f"no class and {len(defaults)} default IngressClasses ({names}): the API server rejects such Ingresses",
            DEFAULT_CLASS_ANNOTATION,
        )
    if config.watch_ingress_without_class:
        return True, Step("no class: the controller watches Ingresses without class", "--watch-ingress-without-class")
    return False, Step("no class: ignored (--watch-ingress-without-class is false)", "--watch-ingress-without-class")


def select_ingresses(
    ingresses: Sequence[k8s.Ingress], classes: Sequence[k8s.IngressClass], config: ControllerConfig
) -> tuple[tuple[k8s.Ingress, ...], tuple[IgnoredIngress, ...]]:
    """The served Ingresses, oldest first (ingress-nginx sorts by creationTimestamp; on a tie the
    namespace/name compare is reversed, ``in > jn``: store.go ListIngresses), and the ignored ones."""
    served: list[k8s.Ingress] = []
    ignored: list[IgnoredIngress] = []
    for ing in ingresses:
        ok, step = serves(ing, classes, config)
        if ok:
            served.append(ing)
        else:
            ignored.append(IgnoredIngress(ing.key, step.what))
    return tuple(sort_oldest_first(served)), tuple(sorted(ignored, key=lambda i: i.ingress))


def sort_oldest_first(ingresses: Sequence[k8s.Ingress]) -> list[k8s.Ingress]:
    """Oldest first by creationTimestamp (second precision, as the API server stores it); on a tie the
    reverse-lexical namespace/name wins. Without timestamps (plain scenario files) creation order is used."""
    out = sorted(ingresses, key=lambda i: i.key, reverse=True)
    if all(i.creation_timestamp for i in out):
        return sorted(out, key=lambda i: i.creation_timestamp)
    return sorted(out, key=lambda i: i.creation_index)
