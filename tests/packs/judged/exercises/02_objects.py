"""Write the functions the checks call: see the reference."""
