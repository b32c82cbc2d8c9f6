/** The office-hours status API's schemas, for the API document (api-docs/). Routes: ./http.ts. */
export { officeHoursQuerySchema, officeStatusSchema } from './office-hours-schema';
