"""Korean particles agree with the final sound of the name before them."""
from __future__ import annotations

import pytest

from service.glossary.korean import fix_particle


@pytest.mark.parametrize(("word", "expected"), [
    ("서울", True),      # ㄹ final
    ("미국", True),      # ㄱ final
    ("일본", True),      # ㄴ final
    ("러시아", False),
    ("도쿄", False),
    ("한미", False),
    ("NATO", False),
    ("G7", True),        # 칠
    ("G20", True),       # 영
    ("PAC-3", True),     # 삼
    ("미국)", True),     # trailing bracket ignored
    ("", False),
])
def test_final_consonant_chooses_the_subject_particle(word: str, expected: bool) -> None:
    assert fix_particle(word, "가 말했다") == ("이 말했다" if expected else "가 말했다")


@pytest.mark.parametrize(("name", "following", "expected"), [
    ("서울", "는 수도다", "은 수도다"),
    ("러시아", "은 ", "는 "),
    ("미국", "가 말했다", "이 말했다"),
    ("러시아", "이 말했다", "가 말했다"),
    ("미국", "를 방문", "을 방문"),
    ("러시아", "을 비난", "를 비난"),
    ("미국", "와 일본", "과 일본"),
    ("러시아", "과 중국", "와 중국"),
    ("서울", "으로 갔다", "로 갔다"),       # ㄹ final takes 로
    ("미국", "로 갔다", "으로 갔다"),
    ("도쿄", "으로 갔다", "로 갔다"),
    ("서울", "으로서", "로서"),
    ("미국", "과의 협력", "과의 협력"),
    ("러시아", "과의 협력", "와의 협력"),
    ("서울", " 는 수도", "은 수도"),         # a detached particle is attached
    ("미국", "이다", "이다"),               # copula, not the subject particle
    ("미국", " 이 도시", " 이 도시"),         # 'this', not a particle
    ("미국", "의 입장", "의 입장"),
    ("미국", "", ""),
    ("미국", ". 그리고", ". 그리고"),
])
def test_fix_particle(name: str, following: str, expected: str) -> None:
    assert fix_particle(name, following) == expected
