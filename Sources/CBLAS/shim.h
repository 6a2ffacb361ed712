#include <cblas.h>
// OpenBLAS's thread control and build description; declared here so Swift sees them even when
// cblas.h omits them.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
