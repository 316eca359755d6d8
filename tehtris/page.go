package tehtris

// Page is one page of a list, the result of every List call: its items,
// in the order the API sent them, whether another page may follow and the
// offset it was read at. The items are values, decoded into one slice per
// page; an All iterator yields them one by one (see the package doc,
// "Lists").
type Page[T any] struct {
	// Items are the items of the page.
	Items []T
	// Total is the number of matching items, or -1 when the API sends no
	// total (it sends none for events, endpoints and processes).
	Total int
	// HasMore reports whether another page may follow, at NextOffset: the
	// page was full (events, processes) or, for the inventory, whose page
	// size is the platform's, not empty.
	HasMore bool
	// Offset is the offset the page was read at.
	Offset int
}

// NextOffset returns the offset of the following page.
func (p *Page[T]) NextOffset() int { return p.Offset + len(p.Items) }
