"""The offline hook is a ``sitecustomize`` for other processes: never import it into this one."""

collect_ignore = ["hook"]
