print("lectern-bench: codec benchmark comes next")
