"""Offline proof: run the notebook suite with the network cut off; see offline.py."""
