/** The report as one self-contained HTML page: the model written as data into a page with inline scripts. */
package dev.dirtypages.agent.report.html;
