#!/usr/bin/env python3
"""Deterministic generator of a casebook-like corpus for the jikenbo benchmark.

usage: bench/gen.py OUTPUT [SIZE_MB] [--seed N]

Writes notices of about 5 KB each until OUTPUT holds at least SIZE_MB * 10^6
bytes (default 200). Each notice is a casebook header line

    【セキュリティ事件簿#YYYY-NNN】<org> <title> <YYYY年M月D日>

followed by two blank lines and body paragraphs built from the templates below
(written for this benchmark, so it depends on nothing else in the repo). Org
names, dates, counts and times vary; 30 % of the notices have their ASCII
digits turned full-width (０-９) so that NFKC normalization has real work.
Notices are separated by a blank line. The same seed gives the same bytes.
"""
import random
import sys

# --- pieces of names -------------------------------------------------------

NAME_STEMS = [
    "アオバ", "ミナト", "サクラ", "ヒカリ", "ツバサ", "カエデ", "ホクト", "ナギサ", "アサヒ", "ヤマト",
    "フジミ", "コスモ", "ミライ", "ソレイユ", "グリーン", "ノース", "テクノ", "メディカル", "ネクスト", "アルファ",
    "東和", "北星", "大和", "中央", "西日本", "新光", "明和", "共栄", "三協", "日昇",
    "青葉", "双葉", "光陽", "信和", "丸山", "高森", "朝日", "若葉", "東邦", "昭栄",
]
NAME_TAILS = [
    "", "商事", "工業", "物産", "システム", "ソリューションズ", "ホールディングス", "電機", "食品", "製作所",
    "産業", "情報サービス", "ネットワークス", "テック", "精機", "運輸", "建設", "薬品", "興産", "通信",
]
PLACES = [
    "札幌", "仙台", "水戸", "宇都宮", "前橋", "川越", "千葉", "横浜", "新潟", "金沢",
    "静岡", "名古屋", "津", "大津", "京都", "堺", "神戸", "奈良", "岡山", "広島",
    "高松", "松山", "福岡", "佐賀", "熊本", "大分", "宮崎", "那覇", "旭川", "盛岡",
]
PREFS = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "広島県", "山口県", "香川県", "愛媛県", "福岡県", "熊本県", "鹿児島県", "沖縄県",
]


def org_names(rng, n):
    out = []
    for _ in range(n):
        stem = rng.choice(NAME_STEMS) + rng.choice(NAME_TAILS)
        form = rng.random()
        if form < 0.35:
            out.append("株式会社" + stem)
        elif form < 0.60:
            out.append(stem + "株式会社")
        elif form < 0.70:
            out.append("医療法人" + rng.choice(NAME_STEMS) + "会")
        elif form < 0.77:
            out.append("社会福祉法人" + rng.choice(NAME_STEMS) + "福祉会")
        elif form < 0.86:
            out.append(rng.choice(PLACES) + "市")
        elif form < 0.91:
            out.append("学校法人" + rng.choice(NAME_STEMS) + "学園")
        elif form < 0.95:
            out.append("国立大学法人" + rng.choice(PLACES) + "大学")
        else:
            out.append("一般社団法人" + rng.choice(NAME_STEMS) + "協会")
    return out


# --- titles ----------------------------------------------------------------

TITLES = [
    "ランサムウェア被害の発生について",
    "不正アクセスによる個人情報漏えいのお知らせ",
    "当社サーバへの不正アクセスに関するお詫びとお知らせ",
    "メール誤送信による個人情報の流出について",
    "ECサイトへの不正アクセスによるクレジットカード情報漏洩に関するお詫び",
    "システム障害に関するお知らせ（第2報）",
    "個人情報を含む書類の紛失について",
    "サイバー攻撃による被害の発生について",
    "弊社ウェブサイトの改ざんに関するお知らせ",
    "不正ログインによるお客様情報の閲覧の可能性について",
    "業務委託先におけるランサムウェア感染について",
    "USBメモリの紛失に関するお詫び",
]

# --- body paragraph templates ----------------------------------------------
# Placeholders: {org} {vendor} {d1} {d2} {d3} {era} {same} {t1} {t2}
# {n1} {n2} {n3} {man} {pref} {place} {host}

INTRO = [
    "このたび、{org}（以下「当社」）が運用するサーバが第三者による不正アクセスを受け、"
    "当社が保有するお客様の個人情報が外部に流出した可能性があることが判明いたしました。"
    "お客様をはじめ関係者の皆様に多大なるご迷惑とご心配をおかけしておりますことを、深くお詫び申し上げます。",
    "{org}は、{d1}、当社の社内ネットワークにおいてランサムウェアによるサイバー攻撃を受けたことを確認いたしました。"
    "現在、外部専門家の協力を得ながら被害の全容解明と復旧に向けた対応を進めております。",
    "{d1}、{org}が管理するファイルサーバに保存されていた複数のファイルが暗号化され、"
    "業務の一部を停止する事態が発生いたしました。本件について、現時点で判明している事項をご報告いたします。",
    "平素より{org}をご利用いただき、誠にありがとうございます。このたび、当社が運営する通販サイト"
    "「{host}」において、第三者による不正アクセスが行われ、お客様のクレジットカード情報{n1}件が漏洩した可能性があることが判明いたしました。",
]

BODY = [
    "１．経緯\n{d1}{t1}頃、当社システム部門の担当者がサーバの異常な動作を検知し、調査を開始いたしました。"
    "その結果、同日{t2}頃に外部からの不審な通信が行われていたことを確認したため、直ちに当該サーバをネットワークから遮断いたしました。",
    "{era}、委託先である{vendor}から、同社のサーバがランサムウェアに感染し、当社から預託していた顧客データの一部が"
    "暗号化されたとの報告を受けました。{same}には、攻撃者がリークサイトにおいてデータの一部を公開したことが確認されております。",
    "２．漏えいした可能性のある情報\n対象となるお客様は{n1}名で、氏名、住所、電話番号、メールアドレス、生年月日が含まれます。"
    "なお、クレジットカード番号、銀行口座情報およびマイナンバーは当該サーバに保存されておらず、漏えいの対象には含まれておりません。",
    "調査の結果、{d2}から{d3}までの期間に当社ウェブサイトで決済を行われたお客様{n2}名のクレジットカード情報"
    "（カード名義人名、カード番号、有効期限、セキュリティコード）が流出し、一部が不正利用された可能性があることが判明いたしました。",
    "流出した可能性のある個人情報は約{man}万件にのぼり、その内訳は、会員情報{n1}件、取引先担当者情報{n3}件、従業員情報{n2}件です。"
    "現時点において、これらの情報が悪用されたという事実は確認されておりません。",
    "本件の原因は、リモート接続に使用していたVPN機器の脆弱性を悪用され、管理者権限のアカウント情報が窃取されたことによるものと考えております。"
    "攻撃者はその後、社内のActive Directoryサーバへ侵入し、複数の端末にマルウェアを配布したものとみられます。",
    "３．当社の対応\n当社は、{d2}に{pref}警察へ被害を相談するとともに、個人情報保護委員会へ報告いたしました。"
    "また、JPCERT/CCおよび所管省庁にも情報提供を行い、外部のセキュリティ専門会社にフォレンジック調査を依頼しております。",
    "{same}、{place}市教育委員会の職員が、児童生徒{n3}名分の成績情報を含む電子メールを、誤って外部の宛先{n2}件に送信したことが判明しました。"
    "誤送信先には削除を依頼し、{n2}件のうち{n3}件について削除の確認が取れております。",
    "対象となるお客様には、{d3}より順次、電子メールおよび書面にてお詫びとお知らせを個別にご連絡しております。"
    "身に覚えのない電話、郵便物、電子メール等を受け取られた場合には、個人情報を回答されないよう十分にご注意ください。",
    "当社では、今回の事態を厳粛に受け止め、ファイアウォール設定の見直し、多要素認証の導入、EDRの全端末への展開、"
    "ログ監視体制の強化など、再発防止に向けた対策を講じてまいります。また、全従業員を対象とした情報セキュリティ教育を改めて実施いたします。",
    "{d1}、当院の電子カルテシステムが使用できない状態となり、外来診療および救急患者の受け入れを一時停止いたしました。"
    "患者{n1}名分の診療情報が暗号化されましたが、バックアップからの復旧作業を進め、{same}に通常診療を再開しております。",
    "なお、本件による二次被害の発生は、{d3}時点で確認されておりません。引き続き監視を継続し、新たな事実が判明した場合には、"
    "速やかに当社ウェブサイトにてお知らせいたします。",
    "{era}午後、職員が業務で使用していたUSBメモリ1個を紛失したことが判明しました。当該USBメモリには、市民{n2}人分の氏名、"
    "住所、電話番号および税額情報が保存されておりましたが、パスワードによる暗号化は施されておりませんでした。",
    "不正アクセスを受けたサーバには、{n1}件の会員情報（氏名、メールアドレス、ログインID、ハッシュ化されたパスワード）が保存されていました。"
    "ログを精査したところ、このうち最大{n2}件について外部への送信が行われた痕跡を確認いたしました。",
    "攻撃者を名乗る者から、{d2}付で金銭を要求する脅迫文が届きましたが、当社は犯罪者の要求には応じない方針であり、身代金は支払っておりません。"
    "LockBitを名乗るグループによる犯行声明がダークウェブ上に掲載されていることも確認しております。",
    "本件に関するお問い合わせ窓口を下記のとおり設置いたしました。\n{org} お客様相談窓口\n電話番号：0120-{tel1}-{tel2}\n"
    "受付時間：{t1}から{t2}まで（土日祝日を除く）",
    "当社ECサイトでは、{d3}よりクレジットカード決済機能を停止しております。再開の時期については、決済代行会社およびカード会社と協議のうえ、"
    "改めてお知らせいたします。ご不便をおかけし誠に申し訳ございません。",
    "社外の専門機関による調査の結果、Webアプリケーションの脆弱性を突いたSQLインジェクション攻撃により、データベースから情報が窃取されたことが判明しました。"
    "当該脆弱性は{d2}に修正済みであり、現在は安全な状態でサービスを提供しております。",
    "また、同月{day}日には、フィッシングメールを起点として従業員{n3}名のアカウントが乗っ取られ、取引先{n2}社に対して不審なメールが送信されていたことが判明いたしました。",
    "最後に、お客様ならびに関係者の皆様には、多大なるご迷惑とご心配をおかけいたしましたことを、重ねて深くお詫び申し上げます。",
]

ERA_BASE = {"令和": 2018, "平成": 1988}


def fmt_int(rng, n):
    s = str(n)
    if n >= 1000 and rng.random() < 0.7:
        s = f"{n:,}"
    return s


def make_date(rng, sep=""):
    y = rng.randint(2015, 2025)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    return y, m, d, f"{y}{sep}年{sep}{m}{sep}月{sep}{d}{sep}日"


def era_date(rng):
    y = rng.randint(2019, 2025)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    ey = y - 2018
    eys = "元" if ey == 1 else str(ey)
    return f"令和{eys}年{m}月{d}日"


def time_of_day(rng):
    h = rng.randint(0, 23)
    if rng.random() < 0.5:
        return f"{'午前' if h < 12 else '午後'}{h % 12}時{rng.randint(0, 59)}分"
    return f"{h}時{rng.randint(0, 59):02d}分"


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--seed")]
    seed = 20261128
    for a in argv[1:]:
        if a.startswith("--seed="):
            seed = int(a.split("=", 1)[1])
    if not args or args[0] in ("-h", "--help"):
        sys.stderr.write(__doc__)
        return 2
    out_path = args[0]
    size_mb = float(args[1]) if len(args) > 1 else 200.0
    target = int(size_mb * 1_000_000)

    rng = random.Random(seed)
    orgs = org_names(rng, 5000)
    vendors = [o for o in org_names(rng, 500) if "株式会社" in o]
    n_body = len(BODY)

    total = 0
    seq = {}
    chunks = []
    pending = 0
    with open(out_path, "wb") as f:
        while total < target:
            org = rng.choice(orgs)
            y, m, d, hdate = make_date(rng, " " if rng.random() < 0.05 else "")
            num = seq.get(y, 0) + 1
            seq[y] = num
            header = f"【セキュリティ事件簿#{y}-{num:03d}】{org} {rng.choice(TITLES)} {hdate}"
            paras = [rng.choice(INTRO)]
            size = len(header) * 3 + 400
            i = rng.randrange(n_body)
            while size < 4900:
                if rng.random() < 0.25:
                    i = rng.randrange(n_body)
                paras.append(BODY[i])
                size += len(BODY[i]) * 3  # ~3 bytes per character
                i = (i + 1) % n_body
            paras.append(f"{y}年{m}月{d}日\n{org}\n代表取締役社長 {rng.choice(NAME_STEMS)}太郎")
            text = header + "\n\n\n" + "\n\n".join(paras)
            text = text.format(
                org=org,
                vendor=rng.choice(vendors),
                d1=make_date(rng)[3],
                d2=make_date(rng)[3],
                d3=make_date(rng)[3],
                era=era_date(rng),
                same=f"同月{rng.randint(1, 28)}日",
                day=rng.randint(1, 28),
                t1=time_of_day(rng),
                t2=time_of_day(rng),
                n1=fmt_int(rng, rng.randint(10, 99999)),
                n2=fmt_int(rng, rng.randint(2, 9999)),
                n3=fmt_int(rng, rng.randint(1, 999)),
                man=rng.randint(1, 99),
                pref=rng.choice(PREFS),
                place=rng.choice(PLACES),
                host=f"{rng.choice(NAME_STEMS)}オンラインストア",
                tel1=f"{rng.randint(0, 999):03d}",
                tel2=f"{rng.randint(0, 9999):04d}",
            )
            if rng.random() < 0.30:
                # full-width digits in the body and header (the case number too)
                text = text.translate(FULLWIDTH)
            b = (text + "\n\n").encode("utf-8")
            chunks.append(b)
            total += len(b)
            pending += len(b)
            if pending >= 1 << 22:
                f.write(b"".join(chunks))
                chunks.clear()
                pending = 0
        f.write(b"".join(chunks))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
