"""GB/T 9704-2012 in one place: the page grid, the numbering, the signature's placement, the styles."""
