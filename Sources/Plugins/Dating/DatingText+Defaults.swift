extension DatingText {
    /// The text shipped with the plugin, in English and Russian.
    var defaultText: (en: String, ru: String) {
        switch self {
        case .welcome:
            ("Hi! Let's make your dating profile: seven short questions.",
             "Привет! Давайте заполним анкету: семь коротких вопросов.")
        case .welcomeBack:
            ("Welcome back! /browse to meet people, /profile to see or change your profile.",
             "С возвращением! /browse — смотреть анкеты, /profile — ваша анкета.")
        case .askName: ("What's your name?", "Как вас зовут?")
        case .askAge: ("How old are you?", "Сколько вам лет?")
        case .askGender: ("Who are you?", "Вы…")
        case .askSeeking: ("Who would you like to meet?", "С кем хотите познакомиться?")
        case .askCity: ("Which city do you live in?", "В каком городе вы живёте?")
        case .askBio:
            ("Write a few words about yourself (up to {max} characters).",
             "Напишите пару слов о себе (до {max} символов).")
        case .askPhoto: ("Send a photo of yourself.", "Пришлите своё фото.")
        case .invalidName:
            ("A name is 1 to {max} characters with at least one letter. What's your name?",
             "Имя — от 1 до {max} символов, хотя бы одна буква. Как вас зовут?")
        case .invalidAge:
            ("Please send your age as a number, for example 27.",
             "Пришлите возраст числом, например 27.")
        case .tooYoung:
            ("Sorry, this bot is only for people aged {min_age} and older. If you mistyped, send your age again.",
             "Извините, бот только для тех, кому {min_age} или больше. Если вы ошиблись, пришлите возраст ещё раз.")
        case .invalidChoice: ("Please choose with the buttons below.", "Пожалуйста, выберите кнопкой ниже.")
        case .invalidCity:
            ("A city is 2 to {max} characters with letters. Which city do you live in?",
             "Город — от 2 до {max} символов, с буквами. В каком городе вы живёте?")
        case .invalidBio:
            ("Please write some text, at most {max} characters (that was {length}).",
             "Пожалуйста, напишите текст не длиннее {max} символов (было {length}).")
        case .invalidPhoto:
            ("Please send a photo, as a picture rather than a file.",
             "Пожалуйста, пришлите фото — картинкой, а не файлом.")
        case .profileReady:
            ("Your profile is ready! Press the button to meet people, or send /profile to see it.",
             "Анкета готова! Нажмите кнопку, чтобы смотреть анкеты, или отправьте /profile, чтобы её увидеть.")
        case .finishProfile: ("Let's finish your profile first.", "Сначала давайте закончим анкету.")
        case .card: ("{name}, {age}, {city}\n\n{bio}", "{name}, {age}, {city}\n\n{bio}")
        case .notePaused:
            ("⏸ Paused: nobody sees your profile.", "⏸ Анкета скрыта: её никто не видит.")
        case .noteReview:
            ("Your profile is waiting for a moderator's review.", "Анкета ждёт проверки модератором.")
        case .paused:
            ("Your profile is paused: nobody sees it until you resume it in /profile.",
             "Анкета скрыта: её никто не увидит, пока вы не включите её снова в /profile.")
        case .resumed: ("Your profile is visible again.", "Анкета снова видна.")
        case .deleteConfirm:
            ("Delete everything the bot knows about you: your profile, likes, matches, reports and our conversations? This cannot be undone.",
             "Удалить всё, что бот знает о вас: анкету, лайки, пары, жалобы и переписку? Это нельзя отменить.")
        case .deleted:
            ("Everything the bot stored about you is erased. Send /start to begin again.",
             "Всё, что бот хранил о вас, удалено. Отправьте /start, чтобы начать заново.")
        case .cancelled: ("Cancelled.", "Отменено.")
        case .banned:
            ("Your profile was blocked by the moderators.", "Ваша анкета заблокирована модераторами.")
        case .noCandidates:
            ("No new profiles right now. Try again later.", "Новых анкет пока нет. Загляните позже.")
        case .cardExpired: ("This card is out of date.", "Эта карточка уже неактуальна.")
        case .resumeFirst:
            ("Your profile is paused, so you cannot browse. Resume it in /profile.",
             "Ваша анкета скрыта, поэтому смотреть анкеты нельзя. Включите её в /profile.")
        case .underReview:
            ("Your profile is waiting for a moderator's review; you can browse again after it.",
             "Ваша анкета ждёт проверки модератором; после неё можно будет снова смотреть анкеты.")
        case .likeLimit:
            ("That's all your likes for today ({limit} a day). More tomorrow!",
             "Лайки на сегодня закончились ({limit} в день). Завтра будут новые!")
        case .reportPrompt: ("Why are you reporting {name}?", "На что жалуетесь ({name})?")
        case .reported:
            ("Thank you. The moderators will look at it; you won't see this profile again.",
             "Спасибо. Модераторы проверят; эту анкету вы больше не увидите.")
        case .blocked: ("Blocked: you won't see each other again.", "Заблокировано: вы больше не увидите друг друга.")
        case .matchLink:
            ("It's a match! You and {name} like each other. Say hello!",
             "Взаимная симпатия! Вы и {name} понравились друг другу. Напишите первым!")
        case .matchRelay:
            ("It's a match! You and {name} like each other. {name} has no public username: "
                + "send me your first message and I'll pass it on.",
             "Взаимная симпатия! Вы и {name} понравились друг другу. У {name} нет публичного имени: "
                + "пришлите мне первое сообщение, и я его передам.")
        case .relayPrompt:
            ("Write your message to {name}; I'll pass it on.", "Напишите сообщение для {name}, я его передам.")
        case .relayMessage: ("💌 {name} writes:\n\n{text}", "💌 {name} пишет:\n\n{text}")
        case .relaySent: ("Sent to {name}.", "Отправлено: {name}.")
        case .relayTextOnly:
            ("I can only pass on text. Write your message to {name}.",
             "Я могу передать только текст. Напишите сообщение для {name}.")
        case .relayUnavailable:
            ("That person is no longer available.", "Этот человек больше недоступен.")
        case .moderationCard:
            ("{card}\n\nReports: {count} ({reasons})", "{card}\n\nЖалоб: {count} ({reasons})")
        case .moderationEmpty: ("No reports to review.", "Жалоб на проверку нет.")
        case .approved: ("Approved: the profile is visible again.", "Одобрено: анкета снова видна.")
        case .bannedByAdmin: ("Banned: the profile is hidden for good.", "Забанено: анкета скрыта навсегда.")
        case .buttonMan: ("Man", "Мужчина")
        case .buttonWoman: ("Woman", "Женщина")
        case .buttonMen: ("Men", "Мужчин")
        case .buttonWomen: ("Women", "Женщин")
        case .buttonAnyone: ("Anyone", "Неважно")
        case .buttonBrowse: ("Browse profiles", "Смотреть анкеты")
        case .buttonLike: ("❤️", "❤️")
        case .buttonSkip: ("👎", "👎")
        case .buttonReport: ("⚠️ Report", "⚠️ Пожаловаться")
        case .buttonBlock: ("🚫 Block", "🚫 Заблокировать")
        case .buttonEditName: ("Name", "Имя")
        case .buttonEditAge: ("Age", "Возраст")
        case .buttonEditGender: ("Gender", "Пол")
        case .buttonEditSeeking: ("Looking for", "Кого ищу")
        case .buttonEditCity: ("City", "Город")
        case .buttonEditBio: ("About me", "О себе")
        case .buttonEditPhoto: ("Photo", "Фото")
        case .buttonPause: ("⏸ Pause", "⏸ Скрыть анкету")
        case .buttonResume: ("▶️ Resume", "▶️ Показывать анкету")
        case .buttonDelete: ("🗑 Delete", "🗑 Удалить")
        case .buttonDeleteConfirm: ("Yes, delete everything", "Да, удалить всё")
        case .buttonCancel: ("Cancel", "Отмена")
        case .buttonWrite: ("Write to {name}", "Написать: {name}")
        case .buttonReply: ("Reply", "Ответить")
        case .buttonApprove: ("✅ Approve", "✅ Одобрить")
        case .buttonBan: ("⛔ Ban", "⛔ Забанить")
        case .reasonSpam: ("Spam", "Спам")
        case .reasonFake: ("Fake profile", "Фейк")
        case .reasonAbuse: ("Offensive", "Оскорбления")
        case .reasonUnderage: ("Under age", "Несовершеннолетний")
        case .reasonOther: ("Other", "Другое")
        }
    }
}
