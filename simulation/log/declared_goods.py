"""What 1210 orders declare, kept per case in typed arrays rather than one tuple per order.

A million-order day holds a million declarations until the run ends; as tuples of Python
numbers they took about 200 bytes an order and were scattered through the heap among the
short-lived objects of the run, so the memory freed around them could not be returned. In
arrays they take 52 bytes an order, and 4 bytes a case without goods.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import NamedTuple

NO_GOODS = -1


class DeclaredGoods(NamedTuple):
    """What a CBEC order or parcel declares, as its entity drew it (ground truth for exports).

    Money in CNY; ``sku`` is -1 for a 9610 parcel; ``prior_annual_cny`` the buyer's CBEC spend
    this year before it (the run's buyer ledger); ``ct_rate`` the statutory consumption-tax rate
    of the goods, ``tax_cny`` the tax due by the CBEC rules (``models/cbec_rules.py``).
    """

    sku: int
    quantity: int
    value_cny: float
    prior_annual_cny: float
    ct_rate: float
    tax_cny: float


class GoodsColumns:
    """A sequence over case ids of :class:`DeclaredGoods` or None, stored column by column.

    Grows like the case table's lists (``append``, ``extend``); ``goods[case] = ...`` sets a
    case's goods, once. Values read back are the floats and ints stored, unchanged.
    """

    __slots__ = ("_row", "ct_rate", "prior_annual_cny", "quantity", "sku", "tax_cny", "value_cny")

    def __init__(self) -> None:
        self._row = array("i")  # row of each case's goods, NO_GOODS for none
        self.sku, self.quantity = array("q"), array("q")
        self.value_cny, self.prior_annual_cny = array("d"), array("d")
        self.ct_rate, self.tax_cny = array("d"), array("d")

    def __len__(self) -> int:
        return len(self._row)

    def __getitem__(self, case: int) -> DeclaredGoods | None:
        row = self._row[case]
        if row == NO_GOODS:
            return None
        return DeclaredGoods(
            self.sku[row],
            self.quantity[row],
            self.value_cny[row],
            self.prior_annual_cny[row],
            self.ct_rate[row],
            self.tax_cny[row],
        )

    def __setitem__(self, case: int, goods: DeclaredGoods) -> None:
        self.set(case, *goods)

    def set(
        self,
        case: int,
        sku: int,
        quantity: int,
        value_cny: float,
        prior_annual_cny: float,
        ct_rate: float,
        tax_cny: float,
    ) -> None:
        """Set a case's goods, once (``goods[case] = DeclaredGoods(...)`` field by field)."""
        if self._row[case] != NO_GOODS:
            raise ValueError(f"case {case} already has its goods")
        self._row[case] = len(self.sku)
        self.sku.append(sku)
        self.quantity.append(quantity)
        self.value_cny.append(value_cny)
        self.prior_annual_cny.append(prior_annual_cny)
        self.ct_rate.append(ct_rate)
        self.tax_cny.append(tax_cny)

    def __iter__(self) -> Iterator[DeclaredGoods | None]:
        for case in range(len(self._row)):
            yield self[case]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GoodsColumns):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def append(self, goods: DeclaredGoods | None) -> None:
        """Add a case (with its goods, or none)."""
        self._row.append(NO_GOODS)
        if goods is not None:
            self[len(self._row) - 1] = goods

    def extend_none(self, n: int) -> None:
        """Add ``n`` cases without goods."""
        self._row.extend(array("i", [NO_GOODS]) * n)

    def extend(self, goods: Iterable[DeclaredGoods | None]) -> None:
        """Add cases, one per item; another :class:`GoodsColumns` is copied column by column."""
        if isinstance(goods, GoodsColumns):
            offset = len(self.sku)
            self._row.extend(row if row == NO_GOODS else row + offset for row in goods._row)
            for name in ("sku", "quantity", "value_cny", "prior_annual_cny", "ct_rate", "tax_cny"):
                getattr(self, name).extend(getattr(goods, name))
            return
        for item in goods:
            self.append(item)
