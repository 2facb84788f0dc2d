"""FAISS retrieval library: epochs of many recordings searchable by text or by epoch."""
