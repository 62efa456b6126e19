"""The classroom around the notebooks: set-up check, checkpoints, lessons, student and app copies."""
