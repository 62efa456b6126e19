"""Deployment code, apart from the teaching topics: the model files, threads, memory, the answer store,
install, lab, Colab, offline bundles, the project's home and releases. Nothing here is re-exported."""
