"""The demo's member firms of the exchange and their unified social credit codes, shared by the demo
modules (demo_data seeds them, demo_market and demo_financing find them again)."""

from magnesium_exchange.members.credit_code import credit_code_check_char

# (name, legal representative, registered address, trader's surname and given name)
MEMBERS = [
    ("大石桥市金鼎镁业有限公司", "赵德明", "辽宁省营口市大石桥市金桥管理区", ("赵", "明")),
    ("海城市华鑫镁砂有限公司", "孙立军", "辽宁省鞍山市海城市牌楼镇", ("孙", "立军")),
    ("营口辽滨耐火材料有限公司", "钱国华", "辽宁省营口市老边区辽滨工业园", ("钱", "国华")),
    ("大石桥市南楼富源镁制品有限公司", "李富源", "辽宁省营口市大石桥市南楼经济开发区", ("李", "富源")),
    ("海城市恒泰矿业有限公司", "周恒", "辽宁省鞍山市海城市八里镇", ("周", "恒")),
    ("大石桥市虎庄利民镁业有限公司", "吴利民", "辽宁省营口市大石桥市虎庄镇", ("吴", "利民")),
    ("鞍山东岳耐材物资采购有限公司", "郑东岳", "辽宁省鞍山市铁东区胜利南路", ("郑", "东岳")),
    ("营口鲅鱼圈港通贸易有限公司", "王港通", "辽宁省营口市鲅鱼圈区海星路", ("王", "晓东")),
    ("天津滨海华冶炉料贸易有限公司", "冯华冶", "天津市滨海新区塘沽响螺湾", ("冯", "华")),
    ("唐山丰润耐材物资有限公司", "陈丰润", "河北省唐山市丰润区幸福道", ("陈", "润")),
    ("沈阳北方冶金材料有限公司", "褚北方", "辽宁省沈阳市铁西区北二中路", ("褚", "方")),
    ("大连金港国际贸易有限公司", "卫金港", "辽宁省大连市中山区港湾街", ("卫", "金港")),
]


def demo_credit_code(serial: int) -> str:
    """The credit code of the demo's member number ``serial`` (1-based), with its check character."""
    first17 = f"91210882MX{serial:07d}"
    return first17 + credit_code_check_char(first17)
