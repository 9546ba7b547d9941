/* datex2_parking: NOT YET IMPLEMENTED (stub while the adapter is written). */
#include <stdio.h>

#include "adapter.h"
#include "adapters/common.h"

int
adapter_datex2_parking(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	(void)doc;
	(void)o;
	snprintf(w->c.err, w->c.errlen, "format not implemented yet");
	return -1;
}

int
adapter_datex2_parking_table(
    struct _xmlDoc *doc, const struct adapter_opts *o, struct adapter_walk *w)
{
	(void)doc;
	(void)o;
	snprintf(w->c.err, w->c.errlen, "format not implemented yet");
	return -1;
}
