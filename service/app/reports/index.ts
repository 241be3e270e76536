/**
 * Reports — a finished comparison's full report page, opened by an unguessable link
 * (`PUBLIC_URL/r/<token>`) from its final chat messages. What the rest of the code may call:
 * minting links (and putting them on the views delivery hands the sinks), and reading a report or one
 * of its images for a token; the page itself is rendered by bots/web.
 */
export { REPORT_KIND, reportRunId, reportToken, reportUrl, withReportUrl, type ReportLinks } from './report-links.ts';
export { createReports, loadReport, loadReportImage, type ReportData, type ReportDeps, type ReportImage, type Reports } from './report-data.ts';
