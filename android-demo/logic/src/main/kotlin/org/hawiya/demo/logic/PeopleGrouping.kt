package org.hawiya.demo.logic

import hawiya.ffi.Person

/**
 * Groups the wallet's people for the screen: the holder (or holders, after
 * a restore merged wallets) first, then each dependent, saying whose
 * dependent they are by the guardian's name when the guardian's document is
 * in the wallet, and by the guardian's document number otherwise.
 */
class PeopleGrouping(private val cards: CardFormatter) {
    /** The people list at [now]. */
    fun group(people: List<Person>, now: Long): PeopleView {
        val (dependents, holders) = people.partition { it.isDependent }
        val guardianNames = holders.flatMap { p -> p.documents.map { it.number to Words(p.nameAr, p.nameEn) } }.toMap()
        return PeopleView(
            holders = holders.map { person(it, null, now) },
            dependents = dependents
                .sortedWith(compareBy({ it.nameEn }, { it.nameAr }))
                .map { p ->
                    val guardian = p.documents.firstNotNullOfOrNull { it.guardian }
                    val relation = when (val name = guardian?.let(guardianNames::get)) {
                        null -> Words(
                            "تابع لصاحب الهوية ${guardian ?: "?"}",
                            "Dependent of the holder of ID ${guardian ?: "?"}",
                        )
                        else -> Words("تابع لـ ${name.ar}", "Dependent of ${name.en}")
                    }
                    person(p, relation, now)
                },
        )
    }

    private fun person(p: Person, relation: Words?, now: Long) = PersonView(
        name = Words(p.nameAr, p.nameEn),
        relation = relation,
        documents = p.documents.sortedBy { it.number }.map { cards.row(it, now) },
    )
}
