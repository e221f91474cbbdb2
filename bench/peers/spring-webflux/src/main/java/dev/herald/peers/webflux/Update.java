package dev.herald.peers.webflux;

/** One published update: the topic it was posted to, its id and its data, verbatim. */
record Update(String topic, String id, String data) {}
