"""A labelled search set: a realistic catalogue of county produce and magnesia goods, and queries a
rural buyer types (single characters, dialect words, pinyin, initials, prefixes, two words, one-character
typos, traditional characters, full-width input) with the products each one means.

Each product is (key, name, description, tags); a query's relevant products are those carrying one of
its tags. Used by tests/marketplace/search (quality floor) and benchmarks/search_quality.py (the figures).
"""

from __future__ import annotations

CATALOGUE: list[tuple[str, str, str, tuple[str, ...]]] = [
    # corn 玉米 (dialect 苞米 / 棒子)
    ("corn1", "东北黄金玉米棒 新鲜现摘", "当季甜玉米, 颗粒饱满", ("corn",)),
    ("corn2", "黏玉米 真空包装 10穗", "农家种植糯玉米, 软糯香甜", ("corn", "sticky_corn")),
    ("corn3", "白糯玉米 5斤装", "山地种植, 口感软糯", ("corn", "sticky_corn", "corn5jin")),
    ("corn4", "玉米面 粗粮 5斤", "自家石磨玉米面, 做大饼子", ("corn", "cornmeal", "corn5jin")),
    ("corn5", "大碴子 玉米碴 农家", "熬粥香浓", ("corn", "corngrits")),
    ("corn6", "甜玉米粒 即食", "开袋即食", ("corn",)),
    ("corn7", "鲜玉米 现掰 20穗", "早上现掰, 当天发货", ("corn",)),
    # pears 梨
    ("pear1", "南果梨 鞍山特产 5斤", "香气浓郁, 汁多味甜", ("pear", "nanguo")),
    ("pear2", "南果梨 精品礼盒 12个", "送礼佳品", ("pear", "nanguo")),
    ("pear3", "库尔勒香梨 新疆 5斤", "皮薄肉细", ("pear", "xiangli")),
    ("pear4", "砀山酥梨 10斤装", "安徽砀山, 酥脆多汁", ("pear", "suli")),
    ("pear5", "冻梨 东北特色 3斤", "冬天的味道, 化开吃", ("pear", "dongli")),
    ("pear6", "苹果梨 延边 8斤", "个大多汁", ("pear", "pingguoli")),
    ("pear7", "雪花梨 河北 5斤", "清甜爽口", ("pear",)),
    # pork 猪肉 (笨猪肉 / 土猪肉)
    ("pork1", "笨猪肉 五花肉 2斤", "农家散养一年出栏", ("pork",)),
    ("pork2", "土猪肉 排骨 3斤", "粮食喂养", ("pork",)),
    ("pork3", "黑猪肉 后腿肉 2斤", "山林放养黑猪", ("pork",)),
    ("pork4", "猪肉馅 饺子馅 1斤", "现绞新鲜", ("pork",)),
    ("pork5", "农家腊肉 猪肉 熏制", "柴火熏制", ("pork", "larou")),
    # potato 土豆 (马铃薯 / 地豆)
    ("potato1", "土豆 黄心 10斤", "沙地种植, 面甜", ("potato",)),
    ("potato2", "马铃薯 新鲜 5斤", "当季新土豆", ("potato",)),
    ("potato3", "小土豆 农家 3斤", "个小皮薄", ("potato",)),
    # sweet potato 地瓜 / 红薯
    ("sp1", "红薯 烟薯25 5斤", "蒸着吃流糖油", ("sweetpotato",)),
    ("sp2", "地瓜干 农家自晒", "软糯香甜", ("sweetpotato",)),
    # eggs 鸡蛋
    ("egg1", "笨鸡蛋 30枚", "散养柴鸡下的蛋", ("egg",)),
    ("egg2", "土鸡蛋 农家散养 50枚", "蛋黄红润", ("egg",)),
    ("egg3", "鲜鸡蛋 一箱 360枚", "批发价", ("egg",)),
    ("egg4", "鸭蛋 咸鸭蛋 20枚", "流油咸蛋", ("duckegg",)),
    ("egg5", "大鹅蛋 10枚", "农家大鹅下的蛋", ("gooseegg",)),
    # chicken 鸡 / goose 鹅
    ("chick1", "小笨鸡 散养 整只", "林下散养180天", ("chicken",)),
    ("chick2", "溜达鸡 农家 整只2斤", "山里跑大的鸡", ("chicken",)),
    ("goose1", "大鹅 铁锅炖 整只", "农家散养大鹅", ("goose",)),
    # rice / millet / grains
    ("rice1", "五常大米 稻花香 10斤", "黑土地种植", ("rice",)),
    ("rice2", "盘锦大米 蟹田米 10斤", "稻蟹共生", ("rice",)),
    ("rice3", "东北大米 新米 25斤", "当年新米", ("rice",)),
    ("millet1", "小米 黄小米 5斤", "熬粥有米油", ("millet",)),
    ("millet2", "朝阳小米 新米 3斤", "旱地谷子", ("millet",)),
    ("sorghum1", "高粱米 红高粱 5斤", "粗粮", ("sorghum",)),
    ("bean1", "黄豆 大豆 5斤", "做豆浆打豆腐", ("soybean",)),
    ("bean2", "大豆 非转基因 10斤", "东北黑土地大豆", ("soybean",)),
    ("bean3", "红小豆 3斤", "煮粥做豆沙", ("redbean",)),
    ("bean4", "绿豆 农家 3斤", "消暑", ("mungbean",)),
    ("peanut1", "花生 带壳 5斤", "沙地花生", ("peanut",)),
    ("peanut2", "红皮花生米 3斤", "榨油炒菜", ("peanut",)),
    # buns 粘豆包
    ("bun1", "粘豆包 东北特产 20个", "黄米面包红豆馅", ("doubao",)),
    ("bun2", "黏豆包 手工 40个", "大黄米面", ("doubao",)),
    ("bun3", "豆包 玉米面 30个", "粗粮豆包", ("doubao",)),
    # mushrooms / fungi
    ("mush1", "榛蘑 野生 半斤", "小鸡炖蘑菇必备", ("hazelmushroom", "mushroom")),
    ("mush2", "黑木耳 东北 1斤", "秋耳肉厚", ("woodear",)),
    ("mush3", "干香菇 花菇 1斤", "肉厚味香", ("mushroom", "shiitake")),
    ("mush4", "元蘑 野生 半斤", "山里采的", ("mushroom",)),
    # honey
    ("honey1", "椴树蜜 长白山 2斤", "天然成熟蜜", ("honey",)),
    ("honey2", "百花蜂蜜 农家 1斤", "自家蜂场", ("honey",)),
    ("honey3", "槐花蜜 2斤", "清香", ("honey",)),
    # fruit
    ("apple1", "寒富苹果 10斤", "脆甜", ("apple",)),
    ("apple2", "红富士苹果 5斤", "冰糖心", ("apple",)),
    ("grape1", "巨峰葡萄 5斤", "大粒", ("grape",)),
    ("blue1", "蓝莓 鲜果 4盒", "大果", ("blueberry",)),
    ("straw1", "草莓 丹东99 3斤", "香甜", ("strawberry",)),
    ("haw1", "山楂 大果 5斤", "做糖葫芦", ("hawthorn",)),
    ("jujube1", "大枣 新疆骏枣 5斤", "肉厚", ("jujube",)),
    # nuts
    ("nut1", "榛子 东北平榛 2斤", "颗粒饱满", ("hazelnut",)),
    ("nut2", "松子 开口 1斤", "长白山红松", ("pinenut",)),
    ("nut3", "核桃 薄皮 3斤", "一捏就开", ("walnut",)),
    # vegetables
    ("veg1", "酸菜 东北 渍菜 5斤", "大缸腌制", ("sauerkraut",)),
    ("veg2", "大葱 章丘 10斤", "葱白长", ("scallion",)),
    ("veg3", "白菜 大白菜 20斤", "冬储菜", ("cabbage",)),
    ("veg4", "黄瓜 旱黄瓜 5斤", "脆嫩", ("cucumber",)),
    ("veg5", "西红柿 柿子 5斤", "沙瓤", ("tomato",)),
    ("veg6", "茄子 紫茄 5斤", "农家", ("eggplant",)),
    ("veg7", "辣椒 尖椒 3斤", "微辣", ("pepper",)),
    ("veg8", "豆角 油豆角 5斤", "东北一点红", ("greenbean",)),
    ("veg9", "胡萝卜 5斤", "脆甜", ("carrot",)),
    ("veg10", "大蒜 紫皮蒜 5斤", "辣味足", ("garlic",)),
    # dry goods
    ("dry1", "粉条 土豆粉 5斤", "手工漏的粉条", ("vermicelli",)),
    ("dry2", "干豆腐 东北 2斤", "薄如纸", ("tofuskin",)),
    ("dry3", "大酱 农家 黄豆酱 2斤", "蘸酱菜", ("soypaste",)),
    ("dry4", "小米锅巴 零食", "香脆", ("snack",)),
    # meat
    ("beef1", "牛肉 黄牛 后腿 2斤", "散养黄牛", ("beef",)),
    ("mutton1", "羊肉 羊排 3斤", "内蒙古", ("mutton",)),
    ("fish1", "鲤鱼 活鱼 3斤", "水库鱼", ("fish",)),
    # magnesia / building goods sold by stores
    ("mg1", "电熔镁砂 97 吨袋", "大结晶电熔镁砂, 耐火材料", ("fusedmag",)),
    ("mg2", "重烧镁砂 95 吨袋", "烧结镁砂", ("deadburned",)),
    ("mg3", "轻烧氧化镁 85 25公斤", "轻烧镁粉, 建材用", ("lightburned",)),
    ("mg4", "镁碳砖 钢包用", "耐火砖", ("magcarbonbrick",)),
    ("mg5", "菱镁矿 原矿 吨", "海城菱镁矿石", ("magnesite",)),
    # household
    ("home1", "电饭煲 家用 4升", "预约煮饭", ("ricecooker",)),
    ("home2", "棉被 冬被 6斤", "新疆棉花", ("quilt",)),
    ("home3", "保温壶 暖壶", "热水瓶", ("flask",)),
    ("home4", "铁锅 手工锻打", "炖大鹅用", ("wok",)),
    ("home5", "水桶 塑料", "加厚", ("bucket",)),
    ("home6", "手套 劳保 12双", "干活用", ("gloves",)),
    ("seed1", "玉米种子 先玉335", "高产", ("cornseed",)),
    ("fert1", "复合肥 50斤", "底肥", ("fertilizer",)),
    ("tea1", "茉莉花茶 250克", "浓香", ("tea",)),
    ("wine1", "高粱酒 纯粮 52度", "老烧锅", ("liquor",)),
    ("oil1", "大豆油 非转基因 5升", "压榨", ("soyoil",)),
    ("oil2", "花生油 压榨 5升", "浓香", ("peanutoil",)),
    ("noodle1", "挂面 鸡蛋面 5斤", "劲道", ("noodle",)),
    ("flour1", "面粉 小麦粉 10斤", "包饺子", ("flour",)),
]

# (query, relevant tags, kind)
QUERIES: list[tuple[str, tuple[str, ...], str]] = [
    ("玉米", ("corn",), "word"),
    ("苞米", ("corn",), "dialect"),
    ("棒子", ("corn",), "dialect"),
    ("苞谷", ("corn",), "dialect"),
    ("yumi", ("corn",), "pinyin"),
    ("ym", ("corn", "cornseed"), "initials"),
    ("黏玉米", ("sticky_corn",), "word"),
    ("粘玉米", ("sticky_corn",), "dialect"),
    ("糯玉米", ("sticky_corn",), "word"),
    ("玉米面", ("cornmeal",), "word"),
    ("碴子", ("corngrits",), "dialect"),
    ("梨", ("pear",), "single"),
    ("li", ("pear",), "pinyin"),
    ("南果梨", ("nanguo",), "word"),
    ("nanguoli", ("nanguo",), "pinyin"),
    ("ngl", ("nanguo",), "initials"),
    ("南果", ("nanguo",), "prefix"),
    ("南国梨", ("nanguo",), "typo"),
    ("香梨", ("xiangli",), "word"),
    ("库尔勒", ("xiangli",), "word"),
    ("酥梨", ("suli",), "word"),
    ("冻梨", ("dongli",), "word"),
    ("猪肉", ("pork",), "word"),
    ("笨猪肉", ("pork",), "dialect"),
    ("土猪肉", ("pork",), "word"),
    ("zhurou", ("pork",), "pinyin"),
    ("土豆", ("potato",), "word"),
    ("马铃薯", ("potato",), "word"),
    ("地豆", ("potato",), "dialect"),
    ("tudou", ("potato",), "pinyin"),
    ("地瓜", ("sweetpotato",), "dialect"),
    ("红薯", ("sweetpotato",), "word"),
    ("鸡蛋", ("egg",), "word"),
    ("笨鸡蛋", ("egg",), "dialect"),
    ("土鸡蛋", ("egg",), "word"),
    ("jidan", ("egg",), "pinyin"),
    ("笨鸡", ("chicken",), "dialect"),
    ("溜达鸡", ("chicken",), "dialect"),
    ("大鹅", ("goose",), "word"),
    ("大米", ("rice",), "word"),
    ("五常大米", ("rice",), "two"),
    ("dami", ("rice",), "pinyin"),
    ("小米", ("millet",), "word"),
    ("xiaomi", ("millet",), "pinyin"),
    ("高粱米", ("sorghum",), "word"),
    ("黄豆", ("soybean",), "word"),
    ("大豆", ("soybean",), "word"),
    ("花生", ("peanut",), "word"),
    ("粘豆包", ("doubao",), "word"),
    ("黏豆包", ("doubao",), "word"),
    ("豆包", ("doubao",), "word"),
    ("ndb", ("doubao",), "initials"),
    ("榛蘑", ("hazelmushroom",), "word"),
    ("蘑菇", ("mushroom",), "word"),
    ("木耳", ("woodear",), "word"),
    ("蜂蜜", ("honey",), "word"),
    ("椴树蜜", ("honey",), "word"),
    ("苹果", ("apple",), "word"),
    ("pingguo", ("apple",), "pinyin"),
    ("葡萄", ("grape",), "word"),
    ("蓝莓", ("blueberry",), "word"),
    ("草莓", ("strawberry",), "word"),
    ("榛子", ("hazelnut",), "word"),
    ("松子", ("pinenut",), "word"),
    ("核桃", ("walnut",), "word"),
    ("酸菜", ("sauerkraut",), "word"),
    ("suancai", ("sauerkraut",), "pinyin"),
    ("大葱", ("scallion",), "word"),
    ("白菜", ("cabbage",), "word"),
    ("黄瓜", ("cucumber",), "word"),
    ("豆角", ("greenbean",), "word"),
    ("粉条", ("vermicelli",), "word"),
    ("fentiao", ("vermicelli",), "pinyin"),
    ("干豆腐", ("tofuskin",), "word"),
    ("大酱", ("soypaste",), "word"),
    ("牛肉", ("beef",), "word"),
    ("羊肉", ("mutton",), "word"),
    ("鲤鱼", ("fish",), "word"),
    ("电熔镁砂", ("fusedmag",), "word"),
    ("电熔镁", ("fusedmag",), "prefix"),
    ("重烧镁砂", ("deadburned",), "word"),
    ("轻烧氧化镁", ("lightburned",), "word"),
    ("轻烧镁粉", ("lightburned",), "word"),
    ("镁碳砖", ("magcarbonbrick",), "word"),
    ("菱镁矿", ("magnesite",), "word"),
    ("电饭煲", ("ricecooker",), "word"),
    ("棉被", ("quilt",), "word"),
    ("铁锅", ("wok",), "word"),
    ("手套", ("gloves",), "word"),
    ("复合肥", ("fertilizer",), "word"),
    ("高粱酒", ("liquor",), "word"),
    ("花生油", ("peanutoil",), "two"),
    ("挂面", ("noodle",), "word"),
    ("面粉", ("flour",), "word"),
    ("東北大米", ("rice",), "traditional"),
    ("蘋果", ("apple",), "traditional"),
    ("ＹＵＭＩ", ("corn",), "fullwidth"),
    ("南果梨 礼盒", ("nanguo",), "two"),
    ("玉米 5斤", ("corn5jin",), "two"),
    ("鲜玉米", ("corn",), "word"),
    ("榛磨", ("hazelmushroom",), "typo"),
    ("粘豆饱", ("doubao",), "typo"),
]


def relevant_keys(tags: tuple[str, ...]) -> set[str]:
    return {key for key, _name, _desc, product_tags in CATALOGUE if set(tags) & set(product_tags)}


def recall_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    if not relevant:
        return 1.0
    return len(set(ranked[:k]) & relevant) / min(len(relevant), k)


def precision_at(ranked: list[str], relevant: set[str], k: int = 3) -> float:
    """Relevant among the first k, out of the most that could be (a query with 2 relevant products
    scores 1.0 when both lead)."""
    if not relevant:
        return 1.0
    return len(set(ranked[:k]) & relevant) / min(len(relevant), k)
