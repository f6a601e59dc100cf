//! Quire's own words in each language it speaks: the labels it prints
//! (contents, chapter, figure, the copyright page's phrases) and how it
//! writes a date. One entry per locale in `LOCALES`; a language not
//! there gets English words (and an `untranslated` warning where the book
//! names it).

/// The few words Quire itself prints in a book (on the title and
/// copyright pages, in bylines), in the book's language.
pub struct Labels {
    pub first_published_in: &'static str,
    pub published: &'static str,
    pub published_by: &'static str,
    pub copyright: &'static str,
    pub edited_by: &'static str,
    pub translated_by: &'static str,
    pub illustrated_by: &'static str,
    pub and: &'static str,
    pub book: &'static str,
    pub contents: &'static str,
    pub set_in: &'static str,
    pub chapter: &'static str,
    pub part: &'static str,
    pub appendix: &'static str,
    pub figure: &'static str,
    pub table: &'static str,
    pub listing: &'static str,
    pub equation: &'static str,
    /// The list of works cited, in an author-date or numeric style.
    pub references: &'static str,
    /// The list of works, in a note style.
    pub bibliography: &'static str,
    /// The back-of-book index.
    pub index: &'static str,
    /// An index's cross-references: "see", "see also".
    pub see: &'static str,
    pub see_also: &'static str,
    /// After an entry repeated at the top of a column its sub-entries
    /// run on to.
    pub continued: &'static str,
}

/// How a language writes a full date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// 14 March 2025 (en-US: March 14, 2025).
    DayMonthYear,
    /// 14. März 2025.
    German,
    /// 14 de marzo de 2025; a month alone: marzo de 2025.
    Romance,
    /// 14 марта 2025 г.
    Russian,
    /// 14 במרץ 2025.
    Hebrew,
    /// 2025年3月14日, with counters.
    Counters,
    /// 2025년 3월 14일.
    Korean,
}

/// One language's words.
pub struct Locale {
    /// The primary language subtags it answers to.
    pub tags: &'static [&'static str],
    pub labels: Labels,
    /// Month names as a day's date says them ("14 марта"); none where
    /// the date is written with counters.
    pub months: Option<[&'static str; 12]>,
    /// Month names alone ("март 2025"), where they differ.
    pub months_alone: Option<[&'static str; 12]>,
    pub date: DateStyle,
}

pub static LOCALES: &[Locale] = &[
    Locale {
        tags: &["en"],
        labels: Labels {
            first_published_in: "First published in",
            published: "Published",
            published_by: "Published by",
            copyright: "Copyright",
            edited_by: "Edited by",
            translated_by: "Translated by",
            illustrated_by: "Illustrated by",
            and: "and",
            book: "book",
            contents: "Contents",
            set_in: "Set in",
            chapter: "Chapter",
            part: "Part",
            appendix: "Appendix",
            figure: "Figure",
            table: "Table",
            listing: "Listing",
            equation: "Equation",
            references: "References",
            bibliography: "Bibliography",
            index: "Index",
            see: "see",
            see_also: "see also",
            continued: "continued",
        },
        months: Some([
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]),
        months_alone: None,
        date: DateStyle::DayMonthYear,
    },
    Locale {
        tags: &["fr"],
        labels: Labels {
            first_published_in: "Première publication dans",
            published: "Publié le",
            published_by: "Publié par",
            copyright: "Copyright",
            edited_by: "Sous la direction de",
            translated_by: "Traduit par",
            illustrated_by: "Illustré par",
            and: "et",
            book: "tome",
            contents: "Table des matières",
            set_in: "Composé en",
            chapter: "Chapitre",
            part: "Partie",
            appendix: "Annexe",
            figure: "Figure",
            table: "Tableau",
            listing: "Listing",
            equation: "Équation",
            references: "Références",
            bibliography: "Bibliographie",
            index: "Index",
            see: "voir",
            see_also: "voir aussi",
            continued: "suite",
        },
        months: Some([
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ]),
        months_alone: None,
        date: DateStyle::DayMonthYear,
    },
    Locale {
        tags: &["de"],
        labels: Labels {
            first_published_in: "Erstveröffentlichung in",
            published: "Veröffentlicht am",
            published_by: "Verlegt von",
            copyright: "Copyright",
            edited_by: "Herausgegeben von",
            translated_by: "Übersetzt von",
            illustrated_by: "Illustriert von",
            and: "und",
            book: "Band",
            contents: "Inhalt",
            set_in: "Gesetzt in",
            chapter: "Kapitel",
            part: "Teil",
            appendix: "Anhang",
            figure: "Abbildung",
            table: "Tabelle",
            listing: "Listing",
            equation: "Gleichung",
            references: "Literatur",
            bibliography: "Bibliographie",
            index: "Register",
            see: "siehe",
            see_also: "siehe auch",
            continued: "Fortsetzung",
        },
        months: Some([
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ]),
        months_alone: None,
        date: DateStyle::German,
    },
    Locale {
        tags: &["es"],
        labels: Labels {
            first_published_in: "Publicado originalmente en",
            published: "Publicado el",
            published_by: "Publicado por",
            copyright: "Copyright",
            edited_by: "Edición de",
            translated_by: "Traducción de",
            illustrated_by: "Ilustraciones de",
            and: "y",
            book: "libro",
            contents: "Índice",
            set_in: "Compuesto en",
            chapter: "Capítulo",
            part: "Parte",
            appendix: "Apéndice",
            figure: "Figura",
            table: "Tabla",
            listing: "Listado",
            equation: "Ecuación",
            references: "Referencias",
            bibliography: "Bibliografía",
            index: "Índice alfabético",
            see: "véase",
            see_also: "véase también",
            continued: "continuación",
        },
        months: Some([
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ]),
        months_alone: None,
        date: DateStyle::Romance,
    },
    Locale {
        tags: &["it"],
        labels: Labels {
            first_published_in: "Pubblicato per la prima volta in",
            published: "Pubblicato il",
            published_by: "Pubblicato da",
            copyright: "Copyright",
            edited_by: "A cura di",
            translated_by: "Traduzione di",
            illustrated_by: "Illustrazioni di",
            and: "e",
            book: "libro",
            contents: "Indice",
            set_in: "Composto in",
            chapter: "Capitolo",
            part: "Parte",
            appendix: "Appendice",
            figure: "Figura",
            table: "Tabella",
            listing: "Listato",
            equation: "Equazione",
            references: "Riferimenti bibliografici",
            bibliography: "Bibliografia",
            index: "Indice analitico",
            see: "vedi",
            see_also: "vedi anche",
            continued: "continua",
        },
        months: Some([
            "gennaio",
            "febbraio",
            "marzo",
            "aprile",
            "maggio",
            "giugno",
            "luglio",
            "agosto",
            "settembre",
            "ottobre",
            "novembre",
            "dicembre",
        ]),
        months_alone: None,
        date: DateStyle::DayMonthYear,
    },
    Locale {
        tags: &["pt"],
        labels: Labels {
            first_published_in: "Publicado originalmente em",
            published: "Publicado em",
            published_by: "Publicado por",
            copyright: "Copyright",
            edited_by: "Organização de",
            translated_by: "Tradução de",
            illustrated_by: "Ilustrações de",
            and: "e",
            book: "livro",
            contents: "Sumário",
            set_in: "Composto em",
            chapter: "Capítulo",
            part: "Parte",
            appendix: "Apêndice",
            figure: "Figura",
            table: "Tabela",
            listing: "Listagem",
            equation: "Equação",
            references: "Referências",
            bibliography: "Bibliografia",
            index: "Índice remissivo",
            see: "ver",
            see_also: "ver também",
            continued: "continuação",
        },
        months: Some([
            "janeiro",
            "fevereiro",
            "março",
            "abril",
            "maio",
            "junho",
            "julho",
            "agosto",
            "setembro",
            "outubro",
            "novembro",
            "dezembro",
        ]),
        months_alone: None,
        date: DateStyle::Romance,
    },
    Locale {
        tags: &["nl"],
        labels: Labels {
            first_published_in: "Oorspronkelijk verschenen in",
            published: "Verschenen op",
            published_by: "Uitgegeven door",
            copyright: "Copyright",
            edited_by: "Onder redactie van",
            translated_by: "Vertaald door",
            illustrated_by: "Geïllustreerd door",
            and: "en",
            book: "deel",
            contents: "Inhoud",
            set_in: "Gezet in",
            chapter: "Hoofdstuk",
            part: "Deel",
            appendix: "Bijlage",
            figure: "Figuur",
            table: "Tabel",
            listing: "Listing",
            equation: "Vergelijking",
            references: "Referenties",
            bibliography: "Bibliografie",
            index: "Register",
            see: "zie",
            see_also: "zie ook",
            continued: "vervolg",
        },
        months: Some([
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ]),
        months_alone: None,
        date: DateStyle::DayMonthYear,
    },
    Locale {
        tags: &["ru"],
        labels: Labels {
            first_published_in: "Впервые опубликовано в",
            published: "Опубликовано",
            published_by: "Издатель:",
            copyright: "©",
            edited_by: "Под редакцией",
            translated_by: "Перевод:",
            illustrated_by: "Иллюстрации:",
            and: "и",
            book: "книга",
            contents: "Содержание",
            set_in: "Набрано шрифтом",
            chapter: "Глава",
            part: "Часть",
            appendix: "Приложение",
            figure: "Рисунок",
            table: "Таблица",
            listing: "Листинг",
            equation: "Формула",
            references: "Литература",
            bibliography: "Библиография",
            index: "Предметный указатель",
            see: "см.",
            see_also: "см. также",
            continued: "продолжение",
        },
        months: Some([
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ]),
        // Russian and Polish name the month of a day in the genitive
        // ("14 марта"), a month alone in the nominative ("март 2025").
        months_alone: Some([
            "январь",
            "февраль",
            "март",
            "апрель",
            "май",
            "июнь",
            "июль",
            "август",
            "сентябрь",
            "октябрь",
            "ноябрь",
            "декабрь",
        ]),
        date: DateStyle::Russian,
    },
    Locale {
        tags: &["pl"],
        labels: Labels {
            first_published_in: "Pierwodruk:",
            published: "Wydano",
            published_by: "Wydawca:",
            copyright: "Copyright",
            edited_by: "Redakcja:",
            translated_by: "Przekład:",
            illustrated_by: "Ilustracje:",
            and: "i",
            book: "tom",
            contents: "Spis treści",
            set_in: "Złożono krojem",
            chapter: "Rozdział",
            part: "Część",
            appendix: "Dodatek",
            figure: "Rysunek",
            table: "Tabela",
            listing: "Listing",
            equation: "Równanie",
            references: "Bibliografia",
            bibliography: "Bibliografia",
            index: "Indeks",
            see: "zob.",
            see_also: "zob. też",
            continued: "cd.",
        },
        months: Some([
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ]),
        months_alone: Some([
            "styczeń",
            "luty",
            "marzec",
            "kwiecień",
            "maj",
            "czerwiec",
            "lipiec",
            "sierpień",
            "wrzesień",
            "październik",
            "listopad",
            "grudzień",
        ]),
        date: DateStyle::DayMonthYear,
    },
    Locale {
        tags: &["ja"],
        labels: Labels {
            first_published_in: "初出：",
            published: "発行：",
            published_by: "発行所：",
            copyright: "著作権",
            edited_by: "編集：",
            translated_by: "翻訳：",
            illustrated_by: "挿画：",
            and: "・",
            book: "巻",
            contents: "目次",
            set_in: "本文書体：",
            chapter: "第{}章",
            part: "第{}部",
            appendix: "付録{}",
            figure: "図",
            table: "表",
            listing: "リスト",
            equation: "式",
            references: "参考文献",
            bibliography: "参考文献",
            index: "索引",
            see: "→",
            see_also: "→",
            continued: "続き",
        },
        months: None,
        months_alone: None,
        date: DateStyle::Counters,
    },
    Locale {
        tags: &["zh"],
        labels: Labels {
            first_published_in: "首次发表于",
            published: "出版日期：",
            published_by: "出版者：",
            copyright: "版权所有",
            edited_by: "主编：",
            translated_by: "译者：",
            illustrated_by: "插图：",
            and: "和",
            book: "卷",
            contents: "目录",
            set_in: "正文字体：",
            chapter: "第{}章",
            part: "第{}部分",
            appendix: "附录{}",
            figure: "图",
            table: "表",
            listing: "代码",
            equation: "公式",
            references: "参考文献",
            bibliography: "参考书目",
            index: "索引",
            see: "见",
            see_also: "另见",
            continued: "续",
        },
        months: None,
        months_alone: None,
        date: DateStyle::Counters,
    },
    Locale {
        tags: &["ko"],
        labels: Labels {
            first_published_in: "처음 실린 곳:",
            published: "발행일:",
            published_by: "펴낸곳:",
            copyright: "저작권",
            edited_by: "엮은이:",
            translated_by: "옮긴이:",
            illustrated_by: "그린이:",
            and: "및",
            book: "권",
            contents: "차례",
            set_in: "본문 글꼴:",
            chapter: "제{}장",
            part: "제{}부",
            appendix: "부록 {}",
            figure: "그림",
            table: "표",
            listing: "코드",
            equation: "수식",
            references: "참고 문헌",
            bibliography: "참고 문헌",
            index: "찾아보기",
            see: "→",
            see_also: "→",
            continued: "계속",
        },
        months: None,
        months_alone: None,
        date: DateStyle::Korean,
    },
    Locale {
        tags: &["ar"],
        labels: Labels {
            first_published_in: "نُشر أولاً في",
            published: "نُشر في",
            published_by: "الناشر",
            copyright: "حقوق النشر",
            edited_by: "تحرير",
            translated_by: "ترجمة",
            illustrated_by: "رسوم",
            and: "و",
            book: "كتاب",
            contents: "المحتويات",
            set_in: "صُفّ بخط",
            chapter: "الفصل",
            part: "الجزء",
            appendix: "ملحق",
            figure: "شكل",
            table: "جدول",
            listing: "شيفرة",
            equation: "معادلة",
            references: "المراجع",
            bibliography: "المصادر",
            index: "الفهرس",
            see: "انظر",
            see_also: "انظر أيضًا",
            continued: "تابع",
        },
        months: Some([
            "يناير",
            "فبراير",
            "مارس",
            "أبريل",
            "مايو",
            "يونيو",
            "يوليو",
            "أغسطس",
            "سبتمبر",
            "أكتوبر",
            "نوفمبر",
            "ديسمبر",
        ]),
        months_alone: None,
        date: DateStyle::DayMonthYear,
    },
    Locale {
        tags: &["he", "iw"],
        labels: Labels {
            first_published_in: "פורסם לראשונה ב",
            published: "פורסם",
            published_by: "הוצאה לאור",
            copyright: "זכויות יוצרים",
            edited_by: "עריכה",
            translated_by: "תרגום",
            illustrated_by: "איורים",
            and: "ו",
            book: "ספר",
            contents: "תוכן העניינים",
            set_in: "סודר באות",
            chapter: "פרק",
            part: "חלק",
            appendix: "נספח",
            figure: "איור",
            table: "טבלה",
            listing: "קוד",
            equation: "משוואה",
            references: "מקורות",
            bibliography: "ביבליוגרפיה",
            index: "מפתח",
            see: "ראו",
            see_also: "ראו גם",
            continued: "המשך",
        },
        months: Some([
            "ינואר",
            "פברואר",
            "מרץ",
            "אפריל",
            "מאי",
            "יוני",
            "יולי",
            "אוגוסט",
            "ספטמבר",
            "אוקטובר",
            "נובמבר",
            "דצמבר",
        ]),
        months_alone: None,
        date: DateStyle::Hebrew,
    },
];

/// The primary subtag of a language tag, lower case (`pt-BR` → `pt`).
fn primary(lang: &str) -> String {
    crate::model::metadata::primary_subtag(lang)
}

/// The locale for `lang`, if Quire speaks it.
pub fn locale(lang: &str) -> Option<&'static Locale> {
    let primary = primary(lang);
    LOCALES.iter().find(|l| l.tags.contains(&primary.as_str()))
}

/// Whether Quire has its own words (labels, dates) in `lang`; the others
/// get English ones.
pub fn speaks(lang: &str) -> bool {
    locale(lang).is_some()
}

/// Quire's words in `lang`, or in English.
pub fn labels(lang: &str) -> &'static Labels {
    &locale(lang).unwrap_or(&LOCALES[0]).labels
}

/// A date as written in metadata (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) the way
/// a reader of `lang` expects to see it printed. Languages without month
/// names here keep the ISO form, which every reader understands.
pub fn human_date(iso: &str, lang: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let year = parts[0];
    let month = parts
        .get(1)
        .and_then(|m| m.parse::<usize>().ok())
        .filter(|m| (1..=12).contains(m));
    let day = parts.get(2).and_then(|d| d.parse::<u32>().ok());
    let Some(l) = locale(lang) else {
        return iso.to_string();
    };
    match l.date {
        DateStyle::Counters => {
            return match (month, day) {
                (Some(m), Some(d)) => format!("{year}年{m}月{d}日"),
                (Some(m), None) => format!("{year}年{m}月"),
                _ => format!("{year}年"),
            };
        }
        DateStyle::Korean => {
            return match (month, day) {
                (Some(m), Some(d)) => format!("{year}년 {m}월 {d}일"),
                (Some(m), None) => format!("{year}년 {m}월"),
                _ => format!("{year}년"),
            };
        }
        _ => {}
    }
    let Some(months) = &l.months else {
        return iso.to_string();
    };
    let alone = l.months_alone.as_ref().unwrap_or(months);
    match (month, day) {
        (Some(m), Some(d)) => {
            let name = months[m - 1];
            match l.date {
                DateStyle::DayMonthYear if lang.eq_ignore_ascii_case("en-US") => {
                    format!("{name} {d}, {year}")
                }
                DateStyle::German => format!("{d}. {name} {year}"),
                DateStyle::Romance => format!("{d} de {name} de {year}"),
                DateStyle::Russian => format!("{d} {name} {year} г."),
                DateStyle::Hebrew => format!("{d} ב{name} {year}"),
                _ => format!("{d} {name} {year}"),
            }
        }
        (Some(m), None) => match l.date {
            DateStyle::Romance => format!("{} de {year}", alone[m - 1]),
            _ => format!("{} {year}", alone[m - 1]),
        },
        _ => iso.to_string(),
    }
}

#[cfg(test)]
mod date_tests {
    use super::human_date;

    #[test]
    fn dates_for_readers() {
        assert_eq!(human_date("2025-03-14", "en"), "14 March 2025");
        assert_eq!(human_date("2025-03-14", "en-US"), "March 14, 2025");
        assert_eq!(human_date("2025-03", "fr"), "mars 2025");
        assert_eq!(human_date("2025-03-01", "de"), "1. März 2025");
        assert_eq!(human_date("2025", "en"), "2025");
        assert_eq!(human_date("2025-03-14", "fa"), "2025-03-14");
        assert_eq!(human_date("2025-03-14", "ja"), "2025年3月14日");
        assert_eq!(human_date("2025-03-14", "ko"), "2025년 3월 14일");
        assert_eq!(human_date("2025-03-14", "ru"), "14 марта 2025 г.");
        assert_eq!(human_date("2025-03", "ru"), "март 2025");
        assert_eq!(human_date("2025-03-14", "pl"), "14 marca 2025");
        assert_eq!(human_date("2025-03-14", "pt-BR"), "14 de março de 2025");
        assert_eq!(human_date("2025-03-14", "he"), "14 במרץ 2025");
    }

    #[test]
    fn labels_with_numbers() {
        use super::labels;
        use crate::typography::numbered;
        assert_eq!(numbered(labels("en").chapter, "3", " "), "Chapter 3");
        assert_eq!(numbered(labels("ja").chapter, "3", " "), "第3章");
        assert_eq!(numbered(labels("zh").figure, "1.2", "\u{a0}"), "图1.2");
        assert_eq!(
            numbered(labels("ko").figure, "1.2", "\u{a0}"),
            "그림\u{a0}1.2"
        );
        assert_eq!(numbered(labels("ru").chapter, "3", " "), "Глава 3");
    }
}
