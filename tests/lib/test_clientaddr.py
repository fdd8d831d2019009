"""The client address behind proxies: only the hops our own proxies wrote are read."""

from safetymonth.lib.clientaddr import client_address


def test_without_proxies_the_peer_is_the_client_and_forwarded_for_is_ignored():
    assert client_address("203.0.113.9", "1.2.3.4", 0) == "203.0.113.9"


def test_behind_one_proxy_the_last_hop_is_the_client():
    assert client_address("10.0.0.1", "198.51.100.7", 1) == "198.51.100.7"


def test_forged_entries_on_the_left_are_never_read():
    # the client sent "X-Forwarded-For: 1.1.1.1"; nginx appended the real address
    assert client_address("10.0.0.1", "1.1.1.1, 198.51.100.7", 1) == "198.51.100.7"
    assert client_address("10.0.0.1", "1.1.1.1, 198.51.100.7, 10.0.0.2", 2) == "198.51.100.7"


def test_too_few_hops_fall_back_to_the_peer():
    assert client_address("10.0.0.1", "198.51.100.7", 2) == "10.0.0.1"


def test_garbage_is_no_address():
    assert client_address("10.0.0.1", "not-an-ip", 1) is None
    assert client_address("", "", 0) is None
    assert client_address("10.0.0.1", "1.1.1.1, \x00", 1) is None


def test_ipv6_is_normalised():
    assert client_address("::1", "2001:DB8::0001", 1) == "2001:db8::1"
