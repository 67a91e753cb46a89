// Temporary entry point while the host is assembled.
print("aviary")
