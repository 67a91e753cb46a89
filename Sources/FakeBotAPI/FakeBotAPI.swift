// Placeholder until the fake Bot API lands.
