/** The office-hours status API; kept apart from the pure office-hours core, which has no HTTP. */
export { officeHoursRouter } from './office-hours-routes';
