"""Files in, structured and citable documents out."""
