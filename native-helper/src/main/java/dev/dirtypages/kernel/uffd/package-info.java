/** Register and arm: userfaultfd in write-protect-async mode (linux/userfaultfd.h). */
package dev.dirtypages.kernel.uffd;
