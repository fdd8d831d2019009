import pytest

from safetymonth.lib import receipts


def test_new_codes_are_16_digits_with_a_luhn_check_and_differ():
    codes = {receipts.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 16 and c.isdigit() and receipts.is_well_formed(c) for c in codes)


def test_a_mistyped_digit_or_swap_is_refused_before_hashing():
    code = receipts.new_code()
    wrong = code[:5] + str((int(code[5]) + 1) % 10) + code[6:]
    assert not receipts.is_well_formed(wrong)
    assert not receipts.is_well_formed(code[:-1])
    assert receipts.is_well_formed(receipts.normalise(receipts.grouped(code)))
    assert receipts.luhn_digit("7992739871") == "3"  # the textbook example


def test_slow_hash_is_salted_and_checks():
    code, salt = receipts.new_code(), receipts.new_salt()
    digest = receipts.hash_code(code, salt, n=2**10)
    assert code not in digest
    assert digest != receipts.hash_code(code, receipts.new_salt(), n=2**10)
    assert receipts.check_code(code, salt, digest, n=2**10)
    assert not receipts.check_code(receipts.new_code(), salt, digest, n=2**10)


def test_address_key_hides_the_address():
    key = receipts.address_key("192.0.2.7", "secret", "tip")
    assert "192" not in key and len(key) == 32
    assert key != receipts.address_key("192.0.2.7", "secret", "receipt")
    assert key != receipts.address_key("192.0.2.7", "other", "tip")


@pytest.mark.parametrize("bits", [0, 4, 8, 12])
def test_proof_of_work(bits):
    nonce = receipts.solve_pow("challenge", bits)
    assert receipts.pow_ok("challenge", nonce, bits)
    assert receipts.leading_zero_bits(bytes([0, 0, 0x10])) == 19


def test_proof_of_work_refuses_junk_nonces():
    assert not receipts.pow_ok("c", "", 0)
    assert not receipts.pow_ok("c", "abc", 0)
    assert not receipts.pow_ok("c", "1" * 40, 0)
