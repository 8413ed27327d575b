"""Names and written reasons for the demo, made up for it. Names are combined at random: any likeness is chance."""

from __future__ import annotations

import re
import unicodedata

# culture: (weight, feminine first names, masculine first names, surnames; "Masculine/Feminine" for gendered ones)
NAMES: dict[str, tuple[int, str, str, str]] = {
    "english": (
        20,
        "Emma Olivia Charlotte Sophie Hannah Lucy Rebecca Joanne Claire Helen Sarah Rachel Katie Megan Abigail "
        "Harriet Beth Jessica Gemma Lauren Alison Nicola",
        "James Thomas William Daniel Matthew Oliver George Harry Samuel Benjamin Christopher Andrew Richard Mark "
        "Peter Jack Luke Adam Gareth Rhys Owen Craig",
        "Smith Taylor Brown Wilson Thompson Walker Wright Robinson Wood Hughes Green Hall Clarke Jackson Turner Hill "
        "Cooper Ward Harris Baker Fletcher Marsh Barker Holt Evans Davies Jenkins Pritchard Lloyd Ashworth",
    ),
    "irish_scottish": (
        8,
        "Aoife Siobhan Niamh Ciara Orla Róisín Mairéad Fiona Eilidh Catriona Sinéad Gráinne",
        "Cian Ronan Eoin Pádraig Declan Fergus Callum Angus Séamus Niall Ruairí Darragh",
        "Murphy Kelly O'Brien Byrne Walsh McCarthy Doyle Gallagher Quinn MacDonald Campbell Fraser Stewart MacLeod "
        "Sweeney Boyle O'Sullivan Reilly",
    ),
    "caribbean": (
        6,
        "Shanice Kerry-Ann Tanisha Marcia Janelle Simone Keisha Natalie Andrea Sharon",
        "Marlon Delroy Andre Courtney Dwayne Leroy Winston Desmond Kareem Jermaine",
        "Campbell Williams Francis Gordon Henry Lewis Grant Barrett Thomas Bailey Reid Forbes McKenzie Ramsay",
    ),
    "south_asian": (
        12,
        "Priya Anjali Deepa Kavya Meera Sunita Ayesha Farah Nusrat Sana Lakshmi Shreya Harpreet Rukhsana Tahmina",
        "Arjun Rahul Vikram Sanjay Imran Asif Rohan Karthik Faisal Tariq Anil Gurpreet Sandeep Rizwan Shahid",
        "Patel Sharma Singh Khan Gupta Iyer Reddy Chowdhury Rahman Hussain Malik Nair Desai Menon Ahmed Qureshi "
        "Bose Das Perera Fernando Begum Mistry",
    ),
    "hispanic": (
        9,
        "María Lucía Camila Valentina Isabel Carmen Ana Daniela Gabriela Sofía Paola Rocío Ximena Lorena",
        "José Carlos Javier Miguel Alejandro Diego Luis Andrés Mateo Santiago Rafael Esteban Joaquín Ernesto",
        "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres Flores Rivera Gómez Díaz "
        "Morales Vargas Castillo Ortega Herrera Mendoza Navarro",
    ),
    "polish": (
        6,
        "Agnieszka Katarzyna Magdalena Zofia Joanna Ewa Małgorzata Aleksandra Natalia Dorota",
        "Piotr Krzysztof Tomasz Paweł Marek Jakub Łukasz Michał Wojciech Grzegorz",
        "Nowak Kowalski/Kowalska Wiśniewski/Wiśniewska Zieliński/Zielińska Lewandowski/Lewandowska Wójcik "
        "Kamiński/Kamińska Dąbrowski/Dąbrowska Mazur Krawczyk Piotrowski/Piotrowska Grabowski/Grabowska",
    ),
    "italian": (
        4,
        "Giulia Francesca Chiara Alessandra Federica Valentina Elena Silvia",
        "Marco Luca Giuseppe Alessandro Matteo Davide Stefano Paolo",
        "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De Luca Fontana",
    ),
    "lusophone": (
        4,
        "Beatriz Inês Mariana Joana Larissa Fernanda Luíza Thaís",
        "João Pedro Tiago Rui Gonçalo Felipe Rodrigo Vinícius",
        "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Almeida Carvalho Sousa Ribeiro Lima",
    ),
    "nigerian": (
        5,
        "Adaeze Chiamaka Ngozi Folake Funmilayo Yetunde Amaka Ifeoma Temitope Bisola",
        "Chinedu Emeka Oluwaseun Tunde Babatunde Ikenna Chukwuemeka Adebayo Obinna Kayode",
        "Okafor Adeyemi Okonkwo Balogun Eze Nwosu Ogunleye Chukwu Okeke Afolabi Nwachukwu Oyelaran",
    ),
    "ghanaian": (
        3,
        "Ama Akosua Abena Efua Adwoa Esi Yaa",
        "Kwame Kofi Kwabena Yaw Kojo Kwesi Fiifi",
        "Mensah Owusu Asante Boateng Appiah Osei Agyeman Darko Acheampong Ofori",
    ),
    "arabic": (
        5,
        "Layla Yasmin Nour Rania Fatima Huda Salma Mariam Dalia Hiba",
        "Omar Karim Youssef Khalid Tarek Samir Hassan Bilal Ahmed Mahmoud Rami",
        "Khoury Mansour Saleh Nasser Aziz Hamdan Benali El-Amin Darwish Farouk Bakri Sabbagh Haddad",
    ),
    "horn_of_africa": (
        3,
        "Hodan Amina Fadumo Sagal Ifrah Hiwot Selam Meron",
        "Abdi Mohamed Abdirahman Yusuf Dawit Tesfaye Bereket Hamza",
        "Warsame Abdullahi Farah Jama Ali Bekele Haile Girma Osman Mohamud",
    ),
    "chinese": (
        4,
        "Mei Xiaoling Jing Yan Hui Ling Xinyi Qian",
        "Wei Jun Hao Ming Jian Lei Zhiwei Bo",
        "Chen Wang Li Zhang Liu Huang Zhao Wu Lin Zhou Ng Wong Chan Lau",
    ),
    "vietnamese": (
        2,
        "Linh Thảo Mai Trang Hương Ngọc",
        "Minh Tuấn Huy Quang Đức Khánh",
        "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi",
    ),
    "filipino": (
        3,
        "Maricel Jocelyn Rowena Angelica Kristine Liza",
        "Rodel Jomar Ramil Jerome Rogelio Arnel",
        "Santos Reyes Cruz Bautista Ocampo Mendoza Villanueva Aquino Dela Cruz Ramos Navarro",
    ),
    "turkish": (
        2,
        "Elif Zeynep Ayşe Merve Ebru Derya",
        "Mehmet Emre Burak Kerem Murat Cem",
        "Yılmaz Kaya Demir Şahin Çelik Aydın Öztürk Arslan Doğan",
    ),
    "greek": (
        2,
        "Eleni Katerina Sofia Dimitra Georgia",
        "Nikos Giorgos Dimitris Kostas Yannis",
        "Papadopoulos/Papadopoulou Georgiou Nikolaidis/Nikolaidou Christodoulou Konstantinou "
        "Angelopoulos/Angelopoulou Vasilakis/Vasilaki",
    ),
    "german_dutch": (
        2,
        "Anna Lena Katrin Sabine Julia Anke Femke Sanne",
        "Jonas Lukas Felix Stefan Jan Tobias Daan Pieter",
        "Müller Schmidt Schneider Fischer Weber Becker Hoffmann de Vries van Dijk Jansen Bakker Visser",
    ),
    "korean": (
        1,
        "Ji-woo Seo-yeon Min-ji Hye-jin",
        "Min-jun Seung-ho Jae-won Dong-hyun",
        "Kim Lee Park Choi Jung Kang",
    ),
    "japanese": (
        1,
        "Yuki Haruka Aiko Emi",
        "Takeshi Kenji Hiroshi Daisuke",
        "Sato Suzuki Takahashi Tanaka Watanabe Nakamura",
    ),
}
# Surnames with a particle ("De Luca", "van Dijk", "Dela Cruz") stay whole when a list is split on spaces.
_PARTICLE = re.compile(r"(?<!\S)(De|de|van|Dela) ")

EXIT_REASONS = [
    "Moved out of the area",
    "Changed jobs and no longer work in the sector",
    "Could not fit meetings around shifts and childcare",
    "Felt my views were not welcome in branch meetings",
    "Disagreed with the direction the national executive took",
    "Meetings were long and nothing seemed to change",
    "Health reasons",
    "Dues became hard to afford",
    "Retired",
    "Felt the same few people made every decision",
    "Was talked over whenever I disagreed",
    "Joined another organization closer to home",
]
STEP_DOWN_REASONS = [
    "Stepped down for health reasons.",
    "Resigned, citing work commitments after a change of shift pattern.",
    "Stepped down for family reasons.",
    "Resigned in protest after the national executive overruled the members on the dues restructure.",
    "Stepped down to care for a relative.",
    "Resigned, saying the role left no time for organizing at work.",
]
DEPARTURE_REASONS = [
    "Moved away for a new job and left the Federation.",
    "Left the Federation.",
    "Membership lapsed; the seat was declared vacant.",
]
NO_NOMINATION_REASONS = [
    "No nominations were received at the {meeting}. {first} volunteered at the following meeting and the "
    "{body} supported the appointment until the next election.",
    "The seat was left empty at the {meeting}. After an open call for volunteers in the bulletin drew one "
    "response, {first} was appointed to serve until the next election.",
    "Nobody stood at the {meeting}. Appointed so that the {role}'s work is not left undone; {first} agreed to "
    "stand for election at the next opportunity.",
]
TREASURER_REASONS = [
    "No nominations at the {meeting}. Appointed so that dues records and the accounts are kept in order; "
    "{first} has book-keeping experience and the branch meeting raised no objection.",
]
CASUAL_VACANCY_REASONS = [
    "Appointed to serve out {previous}'s term on the recommendation of the {body}, after {first} was the only "
    "member to put their name forward.",
    "Interim appointment for the remainder of the term after {previous} left {post}; {first} had been "
    "covering the work informally and knows the records.",
]
# Only when little of the term is left.
SHORT_VACANCY_REASONS = [
    "Casual vacancy after {previous} left {post}. Appointed for the rest of the term: a by-election would have "
    "fallen within a few months of the regular election.",
]
NATIONAL_VACANCY_REASONS = [
    "Casual vacancy filled for the remainder of the term under the constitution's vacancy clause, pending the "
    "next convention; {first} was the next-placed candidate at the last election.",
    "Appointed after {previous} left {post}, so that the work is covered until the next convention.",
]


def ascii_name(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L").replace("đ", "d"))
    decomposed = decomposed.replace("Đ", "D").replace("ı", "i")
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-")).lower()


def split_names(text: str) -> list[str]:
    """Split a list of names on spaces, keeping surnames with a particle ("De Luca", "van Dijk") whole."""
    joined = _PARTICLE.sub(lambda match: match.group(1) + "\u00a0", text)
    return [word.replace("\u00a0", " ") for word in joined.split(" ") if word]
