"""Deployment code, apart from the teaching topics: the model files, threads, memory, the answer store,
install and the support table, lab and Colab, offline bundles and the project's home."""
