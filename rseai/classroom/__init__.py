"""The classroom around the notebooks: setup check, student versions, presenter mode, CLI."""
