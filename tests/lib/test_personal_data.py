from safetymonth.lib.personal_data import ID_NUMBER, NAME, PHONE, find


def kinds(text):
    return [(f.kind, f.text) for f in find(text)]


def test_mobile_and_landline_numbers():
    assert kinds("请拨打13800138000咨询") == [(PHONE, "13800138000")]
    assert kinds("电话 138 0013 8000") == [(PHONE, "138 0013 8000")]
    assert kinds("联系电话023-68083116。") == [(PHONE, "023-68083116")]
    assert kinds("（023）68083116") == [(PHONE, "（023）68083116")]
    assert kinds("电话：１３８００１３８０００") == [(PHONE, "１３８００１３８０００")]


def test_id_numbers_with_check_character():
    assert kinds("身份证11010519491231002X号") == [(ID_NUMBER, "11010519491231002X")]
    # a wrong check character with a birth date inside is still personal data
    assert kinds("110105194912310021") == [(ID_NUMBER, "110105194912310021")]


def test_names_beside_titles_or_labels():
    assert (NAME, "王") in kinds("王先生未按要求整改") or (NAME, "王") in kinds("王先生")
    assert kinds("负责人：李建国，已整改") == [(NAME, "李建国")]
    assert kinds("店长张伟") == [(NAME, "张伟")]


def test_ordinary_text_has_no_findings():
    assert kinds("某餐馆后厨燃气软管老化，未安装燃气泄漏报警装置，已责令整改。") == []
    assert kinds("整改资金 12000 元，2021年6月10日完成，面积 350 平方米。") == []
    assert find("第二行\n电话13800138000")[0].line == 2


def test_anonymised_names_are_not_flagged():
    assert kinds("王某某经营的餐馆") == []
