"""Deployment code, apart from the teaching topics: the model files, threads, memory, the answer store,
install, lab, Colab, offline bundles and the project's home (make dist and make slides: tools/)."""
