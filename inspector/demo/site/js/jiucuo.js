/* stand-in for the national error-report widget script */
function Link(siteCode){window.open('http://localhost:'+location.port+'/ext/zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?siteCode='+siteCode);}
