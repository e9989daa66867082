"""Spanish wording of the interface, kept as data so it can be reviewed in one place.

``python src/twofold/web/locale/es_translations.py`` writes these into ``es/LC_MESSAGES/django.po``
(after ``makemessages``); ``compilemessages`` then builds the ``.mo`` file. Written by us, in
the informal "tú" the questionnaire uses, and "vosotros" where both partners are addressed.
"""

from __future__ import annotations

ES = {
    "Your name": "Tu nombre",
    "How your partner will see you. You can leave it empty.": "Cómo te verá tu pareja. Puedes dejarlo vacío.",
    "Language": "Idioma",
    "I understand that my answers, results and couple space are deleted for good.": "Entiendo que mis respuestas, mis resultados y mi espacio de pareja se borran para siempre.",
    "email address": "correo electrónico",
    "your name": "tu nombre",
    "How your partner will see you in Twofold.": "Cómo te verá tu pareja en Twofold.",
    "language": "idioma",
    "Your settings are saved.": "Tus ajustes se han guardado.",
    "Unknown language.": "Idioma desconocido.",
    "Your account and all its data are deleted.": "Tu cuenta y todos sus datos se han borrado.",
    "A few more answers are needed before your results can be shown.": "Faltan algunas respuestas para poder mostrar tus resultados.",
    "English": "Inglés",
    "Spanish": "Español",
    "Your partner's email (optional)": "Correo electrónico de tu pareja (opcional)",
    "You are already in a couple space. Leave it first to start another.": "Ya estás en un espacio de pareja. Sal de él antes de crear otro.",
    "Create a couple space first.": "Primero crea un espacio de pareja.",
    "Your partner has already joined.": "Tu pareja ya se ha unido.",
    "This invitation link is not valid. Ask your partner for a new one.": "Este enlace de invitación no es válido. Pide uno nuevo a tu pareja.",
    "This invitation link has already been used. Ask your partner for a new one.": "Este enlace de invitación ya se ha usado. Pide uno nuevo a tu pareja.",
    "This invitation link has expired. Ask your partner for a new one.": "Este enlace de invitación ha caducado. Pide uno nuevo a tu pareja.",
    "This couple space has been closed.": "Este espacio de pareja se ha cerrado.",
    "This is your own invitation: send the link to your partner.": "Esta invitación es tuya: envía el enlace a tu pareja.",
    "You are already in a couple space. Leave it first to join another.": "Ya estás en un espacio de pareja. Sal de él antes de unirte a otro.",
    "This couple space already has two people.": "Este espacio de pareja ya tiene dos personas.",
    "You are not in a couple space.": "No estás en ningún espacio de pareja.",
    "%(name)s invites you to Twofold": "%(name)s te invita a Twofold",
    "The invitation is on its way.": "La invitación está en camino.",
    "You have joined the couple space.": "Te has unido al espacio de pareja.",
    "Tick the box to confirm that you want to leave.": "Marca la casilla para confirmar que quieres salir.",
    "You have left the couple space. Nothing is shared any more.": "Has salido del espacio de pareja. Ya no se comparte nada.",
    "Choose yes or no.": "Elige sí o no.",
    "You chose to share your results with your partner.": "Has elegido compartir tus resultados con tu pareja.",
    "Your results are no longer shared.": "Tus resultados ya no se comparten.",
    "Bad request": "Petición incorrecta",
    "That request could not be understood": "No se ha podido entender esa petición",
    "Back to the start": "Volver al inicio",
    "Not available": "No disponible",
    "This page is not available to you": "Esta página no está disponible para ti",
    "Not found": "No encontrado",
    "There is nothing here": "Aquí no hay nada",
    "Delete your account": "Borrar tu cuenta",
    "This deletes your account, your answers and your results. If you share a couple space, it closes, and your partner no longer sees a couple report. This cannot be undone.": "Esto borra tu cuenta, tus respuestas y tus resultados. Si compartes un espacio de pareja, se cierra y tu pareja deja de ver el informe de pareja. No se puede deshacer.",
    "Delete everything": "Borrarlo todo",
    "Settings": "Ajustes",
    "Save": "Guardar",
    "Your account": "Tu cuenta",
    "Change your email address": "Cambiar tu correo electrónico",
    "Change your password": "Cambiar tu contraseña",
    "Delete your account and all its data": "Borrar tu cuenta y todos sus datos",
    "This answer was not saved:": "Esta respuesta no se ha guardado:",
    "Answer saved.": "Respuesta guardada.",
    "%(a)s of %(t)s answered": "%(a)s de %(t)s respondidas",
    "Your results": "Tus resultados",
    "Where you stand": "Dónde estás",
    "The four facets": "Las cuatro facetas",
    "The sub-facets": "Las subfacetas",
    "Your relationship overall": "Tu relación en conjunto",
    "Sharing with your partner": "Compartir con tu pareja",
    "You have chosen to share your results with your partner in the couple report.": "Has elegido compartir tus resultados con tu pareja en el informe de pareja.",
    "Your results are private. If you both choose to share, you both see a couple report.": "Tus resultados son privados. Si los dos elegís compartir, los dos veréis un informe de pareja.",
    "Share my results with my partner": "Compartir mis resultados con mi pareja",
    "Couple report": "Informe de pareja",
    "Score": "Puntuación",
    "Value": "Valor",
    "95%% interval": "Intervalo del 95 %%",
    "Questionnaire": "Cuestionario",
    "You have answered %(a)s of %(t)s questions. Go on where you left off, on this device or any other.": "Has respondido %(a)s de %(t)s preguntas. Sigue donde lo dejaste, en este dispositivo o en otro.",
    "Continue": "Continuar",
    "You have finished the questionnaire.": "Has terminado el cuestionario.",
    "See your results": "Ver tus resultados",
    "You will read short sentences about yourself and your relationship and say how much each fits. There are no right answers. Your answers are saved as you give them, and your partner never sees them.": "Leerás frases cortas sobre ti y tu relación y dirás cuánto encaja cada una. No hay respuestas correctas. Tus respuestas se guardan a medida que las das, y tu pareja nunca las ve.",
    "A few pages come at a time. You can go back, stop and come back later, on any device.": "Las preguntas vienen en páginas cortas. Puedes volver atrás, parar y seguir más tarde, en cualquier dispositivo.",
    "Begin": "Empezar",
    "About your partner": "Sobre tu pareja",
    "Check and finish": "Revisar y terminar",
    "page %(p)s of %(c)s": "página %(p)s de %(c)s",
    "Back": "Atrás",
    "Next": "Siguiente",
    "If you like, you can also say how you see your partner. Your partner never sees these answers; the couple report only shows how close your view is to how your partner sees themselves, and only if you both share.": "Si quieres, también puedes decir cómo ves a tu pareja. Tu pareja nunca ve estas respuestas; el informe de pareja solo muestra cuánto se parece tu visión a cómo se ve tu pareja, y solo si los dos compartís.",
    "Yes, describe my partner": "Sí, describir a mi pareja",
    "No, skip this part": "No, saltar esta parte",
    "Some questions have no answer yet. You may leave a few unanswered, but your results are more precise with every answer.": "Algunas preguntas aún no tienen respuesta. Puedes dejar algunas sin responder, pero tus resultados son más precisos con cada respuesta.",
    "Go to page %(k)s": "Ir a la página %(k)s",
    "You have answered every question.": "Has respondido todas las preguntas.",
    "Once you finish, your answers can no longer change.": "Cuando termines, tus respuestas ya no podrán cambiar.",
    "Finish and see my results": "Terminar y ver mis resultados",
    "Support, for you alone": "Apoyo, solo para ti",
    "Some of your answers say that you have felt afraid, controlled or hurt in your relationship. Only you can see this message; your partner is never told about it.": "Algunas de tus respuestas dicen que has sentido miedo, control o daño en tu relación. Solo tú puedes ver este mensaje; a tu pareja nunca se le dice nada.",
    "Skip to content": "Saltar al contenido",
    "Main": "Principal",
    "Couple space": "Espacio de pareja",
    "Log out": "Cerrar sesión",
    "Log in": "Iniciar sesión",
    "Sign up": "Crear cuenta",
    "Twofold is free software. Your answers are private: your partner never sees them.": "Twofold es software libre. Tus respuestas son privadas: tu pareja nunca las ve.",
    "%(name)s invites you to a shared couple space on Twofold.": "%(name)s te invita a un espacio de pareja compartido en Twofold.",
    "Open this link to join (it works once and expires in 7 days):": "Abre este enlace para unirte (funciona una sola vez y caduca en 7 días):",
    "Each of you answers privately; a couple report opens only when both of you choose to share.": "Cada uno responde en privado; el informe de pareja solo se abre cuando los dos eligen compartir.",
    "Join a couple space": "Unirte a un espacio de pareja",
    "%(name)s invites you to share a couple space on Twofold.": "%(name)s te invita a compartir un espacio de pareja en Twofold.",
    "Each of you answers privately. A couple report opens only when you have both finished and both chosen to share.": "Cada uno responde en privado. El informe de pareja solo se abre cuando los dos han terminado y los dos han elegido compartir.",
    "Join": "Unirme",
    "To join, create an account or log in. You come back here afterwards.": "Para unirte, crea una cuenta o inicia sesión. Después volverás aquí.",
    "Create an account": "Crear una cuenta",
    "Invitation": "Invitación",
    "This invitation cannot be used": "Esta invitación no se puede usar",
    "Your partner has not joined your couple space yet.": "Tu pareja aún no se ha unido a tu espacio de pareja.",
    "Invite your partner": "Invitar a tu pareja",
    "Finish your questionnaire first. The couple report opens when you have both finished and both chosen to share.": "Primero termina tu cuestionario. El informe de pareja se abre cuando los dos han terminado y los dos han elegido compartir.",
    "Because of your answers about feeling safe, Twofold does not open a couple report for now. Your partner is not told why: they see the same as when someone has not chosen to share.": "Por tus respuestas sobre sentirte a salvo, Twofold no abre por ahora un informe de pareja. A tu pareja no se le dice el motivo: ve lo mismo que cuando alguien no ha elegido compartir.",
    "The couple report opens when you and %(name)s have both finished and both chosen to share. Neither of you sees the other's results before that.": "El informe de pareja se abre cuando tú y %(name)s hayáis terminado y elegido compartir. Hasta entonces, ninguno ve los resultados del otro.",
    "You have chosen to share. The couple report opens when %(name)s has also finished and chosen to share.": "Has elegido compartir. El informe de pareja se abre cuando %(name)s también haya terminado y elegido compartir.",
    "You and %(name)s have both chosen to share. This is where the two of you stand.": "Tú y %(name)s habéis elegido compartir. Aquí es donde estáis los dos.",
    "Both of you on the balance map": "Los dos en el mapa del equilibrio",
    "Your pattern as a couple": "El patrón de la pareja",
    "How you see each other": "Cómo os veis el uno al otro",
    "A couple space lets you and your partner see a couple report together, once you have both finished and both chosen to share. Your answers themselves are never shown to your partner.": "Un espacio de pareja os permite ver juntos un informe de pareja, cuando los dos hayáis terminado y elegido compartir. Tus respuestas en sí nunca se muestran a tu pareja.",
    "If your partner has sent you a link, open that link to join their space.": "Si tu pareja te ha enviado un enlace, ábrelo para unirte a su espacio.",
    "Create a couple space": "Crear un espacio de pareja",
    "You share this space with %(name)s.": "Compartes este espacio con %(name)s.",
    "Your partner has not joined yet.": "Tu pareja aún no se ha unido.",
    "Send this link to your partner. It works once and expires in 7 days.": "Envía este enlace a tu pareja. Funciona una sola vez y caduca en 7 días.",
    "An invitation link is waiting to be used. Make a new one if you no longer have it; the old one then stops working.": "Hay un enlace de invitación sin usar. Crea uno nuevo si ya no lo tienes; el anterior dejará de funcionar.",
    "Make a new invitation link": "Crear un enlace de invitación nuevo",
    "Make an invitation link": "Crear un enlace de invitación",
    "Leave the couple space": "Salir del espacio de pareja",
    "Leaving closes the space for both of you and stops all sharing at once. Your own results stay yours.": "Salir cierra el espacio para los dos y deja de compartirse todo al instante. Tus propios resultados siguen siendo tuyos.",
    "Yes, I want to leave": "Sí, quiero salir",
    "Leave": "Salir",
    "Stop sharing my results": "Dejar de compartir mis resultados",
    "Your space": "Tu espacio",
    "Hello, %(name)s": "Hola, %(name)s",
    "Your questionnaire": "Tu cuestionario",
    "You have started the questionnaire. Go on where you left off.": "Has empezado el cuestionario. Sigue donde lo dejaste.",
    "It takes about fifteen minutes. Every answer is saved as you go.": "Lleva unos quince minutos. Cada respuesta se guarda sobre la marcha.",
    "Your couple space": "Tu espacio de pareja",
    "You share a couple space with %(name)s.": "Compartes un espacio de pareja con %(name)s.",
    "Create a couple space and invite your partner, or open the link your partner sent you.": "Crea un espacio de pareja e invita a tu pareja, o abre el enlace que te envió tu pareja.",
    "Welcome": "Bienvenida",
    "Lean on each other, and stay yourselves": "Apoyarse el uno en el otro sin dejar de ser uno mismo",
    "Twofold helps a couple see where each of them stands between depending on the other and keeping their own ground, and what to practise next.": "Twofold ayuda a una pareja a ver dónde está cada uno entre depender del otro y mantener su propio terreno, y qué practicar a continuación.",
    "Each of you answers a short questionnaire on your own phone or computer. Your answers stay private.": "Cada uno responde un cuestionario breve en su propio teléfono u ordenador. Las respuestas son privadas.",
    "Each of you sees your own results first.": "Cada uno ve primero sus propios resultados.",
    "If you both choose to share, you see a couple report together, with questions to talk about.": "Si los dos elegís compartir, veréis juntos un informe de pareja con preguntas para conversar.",
    "I already have one": "Ya tengo una",
    "Show the numbers as a table": "Ver los números en una tabla",
    "To practise:": "Para practicar:",
    "To talk about:": "Para conversar:",
    # PDF reports
    "Download your results (PDF)": "Descargar tus resultados (PDF)",
    "Download the couple report (PDF)": "Descargar el informe de pareja (PDF)",
    "Name": "Nombre",
    "%(title)s, version %(version)s": "%(title)s, versión %(version)s",
    "Answered on": "Respondido el",
    "Made on": "Generado el",
    "What these scores can and cannot say": "Lo que estas puntuaciones pueden decir y lo que no",
    "They describe how you answered the questionnaire on one day: how you saw yourself and your relationship then, not who you are.": "Describen cómo respondiste el cuestionario un día concreto: cómo te veías a ti y a tu relación en ese momento, no quién eres.",
    "Each score comes with a 95%% range, because a handful of questions cannot measure exactly. Where a range crosses the middle of the scale, the report speaks of a tendency and nothing more.": "Cada puntuación va con un intervalo del 95 %%, porque unas pocas preguntas no pueden medir con exactitud. Cuando el intervalo cruza el centro de la escala, el informe habla de una tendencia y nada más.",
    "They are not a diagnosis. They cannot say whether a relationship is good or bad, or what will happen in it. A couples therapist can help you make sense of them.": "No son un diagnóstico. No pueden decir si una relación es buena o mala, ni qué pasará en ella. Una persona profesional de la terapia de pareja puede ayudarte a darles sentido.",
    "Answers move as life moves: answering again later shows what has changed.": "Las respuestas cambian con la vida: volver a responder más adelante muestra qué ha cambiado.",
    "This report compares only the scores you both chose to share. It never shows either person's answers to the questions.": "Este informe compara solo las puntuaciones que los dos elegisteis compartir. Nunca muestra las respuestas de ninguno de vosotros a las preguntas.",
    "the couple report, as a PDF": "el informe de pareja, en PDF",
    "Your strengths": "Tus fortalezas",
    "Where you can grow": "Dónde puedes crecer",
    "How to read these results": "Cómo leer estos resultados",
    "To talk about together": "Para conversar juntos",
    "The form sent more fields (%(limit)s at most) than any page of Twofold has.": "El formulario envió más campos (%(limit)s como máximo) de los que tiene cualquier página de Twofold.",
    "Twofold does not take files.": "Twofold no acepta archivos.",
    "Nothing was saved.": "No se ha guardado nada.",
    "Too large": "Demasiado grande",
    "That request is too large": "Esa petición es demasiado grande",
    "It holds %(size_kb)s KB; Twofold takes at most %(limit_kb)s KB in one request.": "Ocupa %(size_kb)s KB; Twofold acepta como máximo %(limit_kb)s KB en una petición.",
    "Twofold takes at most %(limit_kb)s KB in one request.": "Twofold acepta como máximo %(limit_kb)s KB en una petición.",
    "Profile": "Perfil",
    "Role": "Función",
    "Dates": "Fechas",
    "second factor": "segundo factor",
    "The admin needs two-factor authentication: set it up first.": "La administración requiere la verificación en dos pasos: actívala primero.",
    "Your account must use two-factor authentication. Set up an authenticator app to go on.": "Tu cuenta debe usar la verificación en dos pasos. Configura una aplicación de autenticación para continuar.",
    "practitioner": "profesional",
    "A therapist or counsellor who works with couples. Set by an admin.": "Una persona terapeuta u orientadora que trabaja con parejas. Lo marca la administración.",
    "Two-factor authentication": "Verificación en dos pasos",
    "On: logging in asks for a code from your authenticator app.": "Activada: al iniciar sesión se pide un código de tu aplicación de autenticación.",
    "Off. With it on, logging in also asks for a code from an app on your phone, so a stolen password is not enough.": "Desactivada. Si la activas, al iniciar sesión también se pide un código de una aplicación de tu teléfono, así que una contraseña robada no basta.",
    "Your account can do more than a partner's account, so please turn it on.": "Tu cuenta puede hacer más que la de un miembro de una pareja, así que actívala, por favor.",
    "Manage two-factor authentication": "Gestionar la verificación en dos pasos",
    "couple space": "espacio de pareja",
    "viewer": "quién lo vio",
    "the couple report": "el informe de pareja",
    "Who has seen your couple report": "Quién ha visto vuestro informe de pareja",
    "Each time your couple report is shown, to you or to your partner, it is noted here: who saw it and when. A page that only said the report is not open yet shows nothing you shared, so it is not noted.": "Cada vez que vuestro informe de pareja se muestra, a ti o a tu pareja, queda anotado aquí: quién lo vio y cuándo. Una página que solo decía que el informe aún no está abierto no muestra nada de lo que compartisteis, así que no se anota.",
    "Newest first, times in UTC. In all: %(total)s.": "Lo más reciente primero, horas en UTC. En total: %(total)s.",
    "When": "Cuándo",
    "Who": "Quién",
    "What": "Qué",
    "You": "Tú",
    "A deleted account": "Una cuenta borrada",
    "Only the latest %(shown)s are listed here; your data download has them all.": "Aquí solo aparecen las %(shown)s más recientes; la descarga de tus datos las incluye todas.",
    "Nobody has seen your couple report yet.": "Nadie ha visto todavía vuestro informe de pareja.",
    "Back to your couple space": "Volver a tu espacio de pareja",
    "Your data": "Tus datos",
    "Download everything Twofold holds about you: your account, every answer you gave (with the question and your answer in words), your results, your couple spaces and whether you shared, the invitations you made, and who has seen your couple report. Nothing of your partner's is in it but their name.": "Descarga todo lo que Twofold guarda sobre ti: tu cuenta, cada respuesta que diste (con la pregunta y tu respuesta en palabras), tus resultados, tus espacios de pareja y si compartiste, las invitaciones que hiciste y quién ha visto vuestro informe de pareja. De tu pareja no contiene nada salvo su nombre.",
    "Download as one JSON file": "Descargar en un archivo JSON",
    "Download as tables (CSV files in a zip)": "Descargar como tablas (archivos CSV en un zip)",
    "Your second factor cannot be checked at the moment. Please tell the site's admin.": "Ahora mismo no se puede comprobar tu segundo factor. Avisa a la administración del sitio, por favor.",
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fill(po_path: str) -> list[str]:
    """Write the translations into a .po file; return msgids that have none (to be written)."""
    import re

    with open(po_path, encoding="utf-8") as f:
        blocks = f.read().split("\n\n")
    blocks[0] = (
        blocks[0]
        .replace("#, fuzzy\n", "")
        .replace('"Language: \\n"', '"Language: es\\n"')
        .replace("PACKAGE VERSION", "Twofold")
    )
    missing = []
    out = [blocks[0]]
    for block in blocks[1:]:
        m = re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M)
        if not m:
            out.append(block)
            continue
        msgid = "".join(re.findall(r'"(.*)"', m.group(1))).replace('\\"', '"')
        head = block[: block.index("msgstr")]
        head = head.replace("#, fuzzy\n", "")
        if msgid in ES:
            out.append(head + "msgstr " + _quote(ES[msgid]))
        else:
            missing.append(msgid)
            out.append(block)
    with open(po_path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(out).rstrip("\n") + "\n")
    return missing


if __name__ == "__main__":
    from pathlib import Path

    left = fill(str(Path(__file__).parent / "es" / "LC_MESSAGES" / "django.po"))
    for msgid in left:
        print(f"no Spanish yet: {msgid!r}")
    raise SystemExit(1 if left else 0)
